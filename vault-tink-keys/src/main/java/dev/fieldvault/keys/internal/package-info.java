/** Internals of vault-tink-keys: not API, may change in any release. */
package dev.fieldvault.keys.internal;
