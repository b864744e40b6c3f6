package dev.fieldvault.secrets;

/** What a caller asks to do, as seen by an {@link AccessPolicy}. */
public enum Action { READ, WRITE, DELETE }
