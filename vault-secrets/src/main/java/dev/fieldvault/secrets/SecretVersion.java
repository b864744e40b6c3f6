package dev.fieldvault.secrets;

import java.time.Instant;

/** One kept version of an entry: who wrote it and when (never the value). */
public record SecretVersion(long version, Instant createdAt, String createdBy) {}
