package dev.fieldvault.secrets;

/**
 * The result of checking the audit chain: intact, or the first event that does not match (modified,
 * removed, inserted, or not authenticated by its MAC) and why.
 *
 * @param intact whether every check passed
 * @param eventsChecked how many events were checked
 * @param firstBadSeq the sequence number of the first event found wrong (0 when intact)
 * @param problem what is wrong and where (null when intact)
 * @param legacyEvents how many of the checked events predate the keyed chain (written before the
 *     upgrade that added MACs): they are checked by their unkeyed hashes only, which someone with write
 *     access could recompute; see the threat model in vault-secrets/README.md
 */
public record ChainCheck(boolean intact, long eventsChecked, long firstBadSeq, String problem, long legacyEvents) {}
