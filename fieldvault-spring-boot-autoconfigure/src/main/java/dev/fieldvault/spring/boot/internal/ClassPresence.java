package dev.fieldvault.spring.boot.internal;

/** Whether an optional class is on the class path (without initializing it). */
public final class ClassPresence {

  private ClassPresence() {}

  public static boolean present(String className) {
    try {
      Class.forName(className, false, ClassPresence.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
