package dev.fieldvault.jdbc.rotation;

/** Receives a rotation's progress; called on the worker's thread, so it must return quickly. */
@FunctionalInterface
public interface RotationListener {

  /** After each committed batch, and once more when the worker finishes a table. */
  void onProgress(RotationProgress progress);
}
