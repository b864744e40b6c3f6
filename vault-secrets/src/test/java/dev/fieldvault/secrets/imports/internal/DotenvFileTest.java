package dev.fieldvault.secrets.imports.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldvault.secrets.imports.SecretsImportException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** dotenv's parsing rules, one by one (the README lists them). */
class DotenvFileTest {

  private static Map<String, String> parse(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    for (SourceSecret s : DotenvFile.parse(text)) {
      out.put(s.name(), s.value().asString());
    }
    return out;
  }

  @Test
  void basicLines_commentsAndBlankLines_areRead() {
    assertThat(parse("# a comment\n\nBASIC=basic\n   # indented comment\nAFTER_LINE=after_line\n"))
        .containsExactly(Map.entry("BASIC", "basic"), Map.entry("AFTER_LINE", "after_line"));
  }

  @Test
  void unquotedValues_areTrimmed_emptyIsEmpty_andAHashAfterWhitespaceStartsAComment() {
    assertThat(parse("FOO=  some value  \nEMPTY=\nSPACED = x y \nC=value # comment\nJSON={\"foo\": \"bar\"}"))
        .containsExactly(Map.entry("FOO", "some value"), Map.entry("EMPTY", ""), Map.entry("SPACED", "x y"),
            Map.entry("C", "value"), Map.entry("JSON", "{\"foo\": \"bar\"}"));
  }

  @Test
  void exportPrefix_isAccepted_andKeysMayHoldDotsAndDashes() {
    assertThat(parse("export TOKEN=abc\nexport\tapp.key-1=v")).containsExactly(Map.entry("TOKEN", "abc"),
        Map.entry("app.key-1", "v"));
  }

  @Test
  void singleQuotesAndBackquotes_areLiteral_andKeepWhitespace() {
    assertThat(parse("S=' quoted \\n #x '\nB=`it's \"both\"`\n"))
        .containsExactly(Map.entry("S", " quoted \\n #x "), Map.entry("B", "it's \"both\""));
  }

  @Test
  void doubleQuotes_expandEscapes_andMaySpanLines() {
    assertThat(parse("M=\"new\\nline\\ttab \\\"q\\\" back\\\\slash \\x\"\nKEY=\"-----BEGIN KEY-----\r\nabc\r\n-----END KEY-----\" # pem\nN=1"))
        .containsExactly(Map.entry("M", "new\nline\ttab \"q\" back\\slash \\x"),
            Map.entry("KEY", "-----BEGIN KEY-----\nabc\n-----END KEY-----"), Map.entry("N", "1"));
  }

  @Test
  void lineNumbers_countTheLinesOfMultiLineValues() {
    List<SourceSecret> all = DotenvFile.parse("A=\"1\n2\n3\"\n\nB=x\n");
    assertThat(all.get(1).location()).isEqualTo("line 5");
  }

  @Test
  void malformedLines_areRefused_namingTheLine_neverTheValue() {
    // a line without '=' is usually a value wrapped onto its own line: its text is never quoted
    assertRefused("A=1\nsk_live_s3cr3t\n", "line 2", "expected KEY=VALUE (this line has no '='");
    assertRefused("export s3cr3t\n", "line 1", "expected KEY=VALUE (this line has no '='");
    assertRefused("A=1\ns3cr3t trailing words\n", "line 2", "expected KEY=VALUE (this line has no '='");
    assertRefused("A=\"x\"\n\ns3cr3t", "line 3", "expected KEY=VALUE (this line has no '='");
    assertRefused("A=1\n=novalue-s3cr3t\n", "line 2", "expected KEY=VALUE");
    assertRefused("A=1\nPASS=\"s3cr3t\nB=2\n", "line 2", "never closed");
    assertRefused("PASS='s3cr3t'tail\n", "line 1", "text follows the closing quote of PASS");
    assertRefused("PASS=abc#s3cr3t\n", "line 1", "contains '#'");
    assertRefused("PASS=s3cr3t\n\nPASS=other\n", "line 3", "already defined on line 1");
    assertRefused("# only a comment\n", null, "defines no KEY=VALUE");
  }

  private static void assertRefused(String text, String location, String message) {
    assertThatThrownBy(() -> DotenvFile.parse(text)).isInstanceOfSatisfying(SecretsImportException.class, e -> {
      assertThat(e.reason()).isEqualTo(SecretsImportException.Reason.MALFORMED);
      assertThat(e.location()).isEqualTo(location);
      assertThat(e.getMessage()).contains(message).doesNotContain("s3cr3t");
      assertThat(e.getCause()).isNull();
    });
  }
}
