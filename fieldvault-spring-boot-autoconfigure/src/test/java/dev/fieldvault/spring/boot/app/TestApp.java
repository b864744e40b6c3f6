package dev.fieldvault.spring.boot.app;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** An application that uses the starter: an entity, a repository, and properties; no FieldVault wiring. */
@SpringBootApplication
public class TestApp {}
