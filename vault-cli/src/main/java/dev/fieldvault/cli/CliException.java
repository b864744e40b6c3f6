package dev.fieldvault.cli;

/** A failed command with a message for the operator (exit code 1). */
final class CliException extends RuntimeException {

  CliException(String message) {
    super(message);
  }
}
