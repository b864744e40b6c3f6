package dev.fieldvault.benchmarks.hibernate;

/** The three entity variants share this shape. */
public interface BenchCustomer {
  void fill(long id, String name, String email, String phone);

  String name();

  String email();

  String phone();
}
