package swaggerpetstore;

/** What a schema asks of one value: built once per field or parameter, then only read. */
final class Rule {
  boolean required;
  Double minimum;
  Double maximum;

  private Rule() {}

  static Rule of() {
    return new Rule();
  }

  Rule required() {
    required = true;
    return this;
  }

  Rule minimum(double value) {
    minimum = value;
    return this;
  }

  Rule maximum(double value) {
    maximum = value;
    return this;
  }
}
