package dev.fieldvault.spring.boot.tenant;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A test application whose only entity is a {@code @TenantId} entity (kept apart from {@code TestApp}'s). */
@SpringBootApplication
public class TenantApp {}
