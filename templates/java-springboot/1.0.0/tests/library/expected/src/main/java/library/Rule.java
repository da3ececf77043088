package library;

import java.util.List;

/** What a schema asks of one value: built once per field or parameter, then only read. */
final class Rule {
  boolean required;
  boolean nullable;
  int minLength;
  Integer maxLength;
  List<String> values;
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

  Rule nullable() {
    nullable = true;
    return this;
  }

  Rule minLength(int value) {
    minLength = value;
    return this;
  }

  Rule maxLength(int value) {
    maxLength = value;
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

  Rule values(String... allowed) {
    values = List.of(allowed);
    return this;
  }
}
