package dev.fieldvault.jdbc.secrets;

/**
 * The result of checking the audit hash chain: intact, or the first event that does not match
 * (modified, removed or inserted) and why.
 */
public record ChainCheck(boolean intact, long eventsChecked, long firstBadSeq, String problem) {}
