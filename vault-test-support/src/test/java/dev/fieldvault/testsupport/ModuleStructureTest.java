package dev.fieldvault.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module and package structure docs/ARCHITECTURE.md describes, checked on the main sources of
 * every module (read from the repository, next to this module): no cycle between FieldVault packages,
 * no module using another module's {@code internal} packages, vault-hibernate referring to vault-jdbc
 * only from its optional bridge, and every jar carrying its Automatic-Module-Name and every published
 * artifact its entry in fieldvault-bom. References are the imports and the fully qualified names in
 * code (comments stripped).
 */
class ModuleStructureTest {

  private static final Pattern PACKAGE = Pattern.compile("(?m)^package\\s+([\\w.]+)\\s*;");
  private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.fieldvault((?:\\.[a-z][a-z0-9_]*)+)\\.[A-Z]");
  private static final Pattern COMMENTS = Pattern.compile("(?s)/\\*.*?\\*/|//[^\\n]*");
  private static final Pattern STRINGS = Pattern.compile("\"(?:\\\\.|[^\"\\\\\\n])*\"");

  /** The modules whose jars applications depend on (and the BOM lists). */
  private static final Set<String> PUBLISHED = Set.of("vault-tink-keys", "vault-jdbc", "vault-secrets",
      "vault-hibernate", "vault-kms-aws", "vault-cli", "fieldvault-spring-boot-autoconfigure",
      "fieldvault-spring-boot-starter");

  private static Path root;
  private static final List<SourceFile> SOURCES = new ArrayList<>();

  record SourceFile(String module, Path path, String pkg, Set<String> references) {}

  @BeforeAll
  static void readMainSources() throws IOException {
    root = Path.of("").toAbsolutePath().getParent();
    assertThat(root.resolve("pom.xml")).as("the repository root").exists();
    try (Stream<Path> modules = Files.list(root)) {
      for (Path module : modules.filter(m -> Files.isDirectory(m.resolve("src/main/java"))).toList()) {
        try (Stream<Path> files = Files.walk(module.resolve("src/main/java"))) {
          for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
            SOURCES.add(parse(module.getFileName().toString(), f));
          }
        }
      }
    }
    assertThat(SOURCES).extracting(SourceFile::module).contains("vault-tink-keys", "vault-jdbc", "vault-hibernate");
  }

  static SourceFile parse(String module, Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    Matcher p = PACKAGE.matcher(text);
    String pkg = p.find() ? p.group(1) : "";
    String code = STRINGS.matcher(COMMENTS.matcher(text).replaceAll(" ")).replaceAll("\"\"");
    Set<String> refs = new TreeSet<>();
    Matcher m = REFERENCE.matcher(code);
    while (m.find()) {
      refs.add("dev.fieldvault" + m.group(1));
    }
    refs.remove(pkg);
    return new SourceFile(module, file, pkg, refs);
  }

  /** A package and its {@code internal} sub-packages are one unit: the feature and its hidden parts. */
  static String unit(String pkg) {
    int i = pkg.indexOf(".internal");
    return i < 0 ? pkg : pkg.substring(0, i);
  }

  @Test
  void noCycleBetweenFieldVaultPackages() {
    Map<String, Set<String>> graph = new TreeMap<>();
    Map<String, String> why = new HashMap<>();
    for (SourceFile f : SOURCES) {
      String from = unit(f.pkg());
      graph.computeIfAbsent(from, k -> new TreeSet<>());
      for (String r : f.references()) {
        String to = unit(r);
        if (!to.equals(from)) {
          graph.get(from).add(to);
          why.putIfAbsent(from + " -> " + to, root.relativize(f.path()).toString());
        }
      }
    }
    List<String> cycles = new ArrayList<>();
    for (String start : graph.keySet()) {
      List<String> path = cycleThrough(graph, start);
      if (path != null) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i + 1 < path.size(); i++) {
          sb.append(path.get(i)).append(" -> ").append(path.get(i + 1)).append(" (")
              .append(why.get(path.get(i) + " -> " + path.get(i + 1))).append(")\n");
        }
        cycles.add(sb.toString());
      }
    }
    assertThat(cycles).as("package cycles (each edge with one file that makes it)").isEmpty();
  }

  /** A path start -> ... -> start, if there is one (breadth first, so the shortest). */
  static List<String> cycleThrough(Map<String, Set<String>> graph, String start) {
    Map<String, String> parent = new HashMap<>();
    Deque<String> queue = new ArrayDeque<>(graph.getOrDefault(start, Set.of()));
    for (String n : queue) {
      parent.put(n, start);
    }
    while (!queue.isEmpty()) {
      String n = queue.poll();
      if (n.equals(start)) {
        List<String> path = new ArrayList<>();
        String cur = start;
        do {
          path.add(0, cur);
          cur = parent.get(cur);
        } while (!cur.equals(start));
        path.add(0, start);
        return path;
      }
      for (String next : graph.getOrDefault(n, Set.of())) {
        if (!parent.containsKey(next)) {
          parent.put(next, n);
          queue.add(next);
        }
      }
    }
    return null;
  }

  @Test
  void noModuleUsesTheInternalPackagesOfAnother() {
    Map<String, String> moduleOf = new HashMap<>();
    SOURCES.forEach(f -> moduleOf.put(f.pkg(), f.module()));
    List<String> violations = new ArrayList<>();
    for (SourceFile f : SOURCES) {
      for (String r : f.references()) {
        String owner = moduleOf.get(r);
        if (r.contains(".internal") && owner != null && !owner.equals(f.module())) {
          violations.add(root.relativize(f.path()) + " uses " + r + " of " + owner);
        }
      }
    }
    assertThat(violations).isEmpty();
  }

  @Test
  void vaultHibernate_refersToTheOptionalVaultJdbc_onlyFromItsBridge() {
    List<String> users = new ArrayList<>();
    for (SourceFile f : SOURCES) {
      if (f.module().equals("vault-hibernate")
          && f.references().stream().anyMatch(r -> r.equals("dev.fieldvault.jdbc") || r.startsWith("dev.fieldvault.jdbc."))) {
        users.add(f.path().getFileName().toString());
      }
    }
    // anything else would load vault-jdbc classes for an application that uses @Encrypted alone
    assertThat(users).containsOnly("HibernateJdbc.java", "HibernateRotation.java");
  }

  @Test
  void everyLibraryModule_sitsInItsOwnPackage_andLowerModulesNeverReachUp() {
    Map<String, List<String>> allowed = Map.of(
        "vault-tink-keys", List.of(),
        "vault-jdbc", List.of("vault-tink-keys"),
        "vault-secrets", List.of("vault-tink-keys", "vault-jdbc"),
        "vault-hibernate", List.of("vault-tink-keys", "vault-jdbc"),
        "vault-kms-aws", List.of("vault-tink-keys"));
    Map<String, String> moduleOf = new HashMap<>();
    SOURCES.forEach(f -> moduleOf.put(f.pkg(), f.module()));
    List<String> violations = new ArrayList<>();
    for (SourceFile f : SOURCES) {
      List<String> may = allowed.get(f.module());
      if (may == null) {
        continue; // the CLI, the sample app and the benchmarks sit on top and may use every module
      }
      for (String r : f.references()) {
        String owner = moduleOf.get(r);
        if (owner != null && !owner.equals(f.module()) && !may.contains(owner)) {
          violations.add(root.relativize(f.path()) + " (" + f.module() + ") uses " + r + " of " + owner);
        }
      }
    }
    assertThat(violations).isEmpty();
  }

  @Test
  void everyJarModule_namesItsAutomaticModule_andThePublishedOnesAreInTheBom() throws IOException {
    String parent = Files.readString(root.resolve("pom.xml"));
    String bom = Files.readString(root.resolve("fieldvault-bom/pom.xml"));
    assertThat(version(bom)).as("fieldvault-bom's version").isEqualTo(version(parent));
    Matcher modules = Pattern.compile("<module>([^<]+)</module>").matcher(parent);
    List<String> checked = new ArrayList<>();
    while (modules.find()) {
      String module = modules.group(1);
      if (module.equals("fieldvault-bom")) {
        continue;
      }
      String pom = Files.readString(root.resolve(module).resolve("pom.xml"));
      Matcher name = Pattern.compile("<fieldvault\\.module\\.name>([^<]+)</fieldvault\\.module\\.name>").matcher(pom);
      assertThat(name.find()).as(module + " sets fieldvault.module.name (its Automatic-Module-Name)").isTrue();
      String moduleName = name.group(1);
      assertThat(SOURCES.stream().filter(f -> f.module().equals(module)))
          .as(module + "'s packages start with its module name " + moduleName)
          .allMatch(f -> f.pkg().equals(moduleName) || f.pkg().startsWith(moduleName + "."));
      if (PUBLISHED.contains(module)) {
        assertThat(bom).as("fieldvault-bom lists " + module).contains("<artifactId>" + module + "</artifactId>");
      }
      checked.add(module);
    }
    assertThat(checked).containsAll(PUBLISHED);
  }

  private static String version(String pom) {
    String withoutParent = pom.replaceAll("(?s)<parent>.*?</parent>", "");
    Matcher m = Pattern.compile("<version>([^<]+)</version>").matcher(withoutParent);
    assertThat(m.find()).isTrue();
    return m.group(1);
  }
}
