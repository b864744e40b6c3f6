package dev.fieldvault.hibernate.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldvault.hibernate.Encrypted;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.hibernate.Version;
import org.junit.jupiter.api.Test;

/**
 * Every Hibernate class, method and field the published vault-hibernate jar refers to (read from the
 * constant pools of its class files) exists, with the same descriptor, in the Hibernate of this run. A
 * call compiled against 7.4 whose descriptor differs on another line would otherwise fail there with a
 * {@code NoSuchMethodError} on the first use, which the suite sees only if a test reaches that call.
 */
class HibernateReferencesTest {

  @Test
  void everyHibernateReferenceOfThePublishedJar_resolvesOnThisLine() throws Exception {
    Path jar = Path.of(Encrypted.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Set<String> references = new TreeSet<>();
    try (JarFile file = new JarFile(jar.toFile())) {
      for (Enumeration<JarEntry> e = file.entries(); e.hasMoreElements(); ) {
        JarEntry entry = e.nextElement();
        if (entry.getName().endsWith(".class")) {
          try (InputStream in = file.getInputStream(entry)) {
            references.addAll(hibernateReferences(in.readAllBytes()));
          }
        }
      }
    }
    assertThat(references).as("the jar refers to Hibernate").hasSizeGreaterThan(100);
    List<String> unresolved = new ArrayList<>();
    for (String reference : references) {
      if (!resolves(reference)) {
        unresolved.add(reference);
      }
    }
    assertThat(unresolved).as("references of " + jar.getFileName() + " missing from Hibernate "
        + Version.getVersionString() + " (compare the signatures on every line, docs/HIBERNATE-LINES.md)").isEmpty();
  }

  @Test
  void aDescriptorOfAnotherLine_doesNotResolve() {
    // PreInsertEvent.getSession() returns an EventSource on 6.6 and a SharedSessionContractImplementor on 7:
    // the reason FieldVault calls it through HibernateLines
    boolean line6 = Version.getVersionString().startsWith("6.");
    assertThat(resolves("method org/hibernate/event/spi/PreInsertEvent.getSession:()Lorg/hibernate/event/spi/EventSource;"))
        .isEqualTo(line6);
    assertThat(resolves("method org/hibernate/event/spi/PreInsertEvent.getSession:"
        + "()Lorg/hibernate/engine/spi/SharedSessionContractImplementor;")).isEqualTo(!line6);
    assertThat(resolves("class org/hibernate/NoSuchClassInAnyLine")).isFalse();
  }

  // ----------------------------------------------------------------------------------------------
  // The constant pool (JVM specification, section 4.4)

  /** "class owner", "field owner.name:descriptor" or "method owner.name:descriptor", for owners in org.hibernate. */
  private static List<String> hibernateReferences(byte[] classFile) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
    if (in.readInt() != 0xCAFEBABE) {
      throw new IOException("not a class file");
    }
    in.readUnsignedShort();
    in.readUnsignedShort();
    int count = in.readUnsignedShort();
    int[] tags = new int[count];
    int[] first = new int[count];
    int[] second = new int[count];
    String[] utf8 = new String[count];
    for (int i = 1; i < count; i++) {
      int tag = in.readUnsignedByte();
      tags[i] = tag;
      switch (tag) {
        case 1 -> utf8[i] = in.readUTF();
        case 3, 4 -> in.readInt();
        case 5, 6 -> {
          in.readLong();
          i++;
        }
        case 7, 8, 16, 19, 20 -> first[i] = in.readUnsignedShort();
        case 9, 10, 11, 12, 17, 18 -> {
          first[i] = in.readUnsignedShort();
          second[i] = in.readUnsignedShort();
        }
        case 15 -> {
          in.readUnsignedByte();
          first[i] = in.readUnsignedShort();
        }
        default -> throw new IOException("unknown constant pool tag " + tag);
      }
    }
    List<String> out = new ArrayList<>();
    for (int i = 1; i < count; i++) {
      if (tags[i] == 7) {
        String name = utf8[first[i]];
        String element = name.startsWith("[") ? name.replaceFirst("^\\[+L?", "").replaceFirst(";$", "") : name;
        if (element.startsWith("org/hibernate/")) {
          out.add("class " + element);
        }
      } else if (tags[i] == 9 || tags[i] == 10 || tags[i] == 11) {
        String owner = utf8[first[first[i]]];
        if (owner.startsWith("org/hibernate/")) {
          int nat = second[i];
          out.add((tags[i] == 9 ? "field " : "method ") + owner + "." + utf8[first[nat]] + ":" + utf8[second[nat]]);
        }
      }
    }
    return out;
  }

  // ----------------------------------------------------------------------------------------------
  // Resolution against the Hibernate on the class path

  private static boolean resolves(String reference) {
    try {
      if (reference.startsWith("class ")) {
        load(reference.substring(6));
        return true;
      }
      String ref = reference.substring(reference.indexOf(' ') + 1);
      int dot = ref.indexOf('.');
      int colon = ref.indexOf(':');
      Class<?> owner = load(ref.substring(0, dot));
      String name = ref.substring(dot + 1, colon);
      String descriptor = ref.substring(colon + 1);
      return reference.startsWith("field ") ? hasField(owner, name, descriptor) : hasMethod(owner, name, descriptor);
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  private static Class<?> load(String internalName) throws ClassNotFoundException {
    return Class.forName(internalName.replace('/', '.'), false, HibernateReferencesTest.class.getClassLoader());
  }

  private static boolean hasField(Class<?> owner, String name, String descriptor) {
    for (Class<?> c : hierarchy(owner)) {
      for (Field f : c.getDeclaredFields()) {
        if (f.getName().equals(name) && descriptor(f.getType()).equals(descriptor)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean hasMethod(Class<?> owner, String name, String descriptor) {
    if (name.equals("<init>")) {
      for (Constructor<?> c : owner.getDeclaredConstructors()) {
        if (descriptor.equals(parameters(c.getParameterTypes()) + "V")) {
          return true;
        }
      }
      return false;
    }
    for (Class<?> c : hierarchy(owner)) {
      for (Method m : c.getDeclaredMethods()) {
        if (m.getName().equals(name) && descriptor.equals(parameters(m.getParameterTypes()) + descriptor(m.getReturnType()))) {
          return true;
        }
      }
    }
    return false;
  }

  /** The class, its superclasses and all their interfaces, then Object. */
  private static List<Class<?>> hierarchy(Class<?> owner) {
    List<Class<?>> out = new ArrayList<>();
    Deque<Class<?>> todo = new ArrayDeque<>(List.of(owner));
    while (!todo.isEmpty()) {
      Class<?> c = todo.poll();
      if (!out.contains(c)) {
        out.add(c);
        if (c.getSuperclass() != null) {
          todo.add(c.getSuperclass());
        }
        todo.addAll(Arrays.asList(c.getInterfaces()));
      }
    }
    out.add(Object.class);
    return out;
  }

  private static String parameters(Class<?>[] types) {
    StringBuilder b = new StringBuilder("(");
    for (Class<?> t : types) {
      b.append(descriptor(t));
    }
    return b.append(')').toString();
  }

  private static String descriptor(Class<?> t) {
    if (t.isArray()) {
      return "[" + descriptor(t.getComponentType());
    }
    if (!t.isPrimitive()) {
      return "L" + t.getName().replace('.', '/') + ";";
    }
    return switch (t.getName()) {
      case "int" -> "I";
      case "long" -> "J";
      case "boolean" -> "Z";
      case "byte" -> "B";
      case "short" -> "S";
      case "char" -> "C";
      case "float" -> "F";
      case "double" -> "D";
      default -> "V";
    };
  }
}
