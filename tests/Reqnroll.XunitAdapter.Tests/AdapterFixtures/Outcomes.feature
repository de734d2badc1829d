# Run by the adapter's own tests (Adapter/*Tests.cs), not as part of the suite: several scenarios fail on purpose.
@adapter-fixture
Feature: Adapter outcomes

  Scenario: Passing scenario
    Given a fixture step that passes
    And a fixture step that writes "hello from a binding" and attaches "report.txt"

  Scenario: Undefined step
    Given a fixture step that passes
    When a step nobody has bound with 42 items

  Scenario: Pending step
    Given a fixture step that is pending

  Scenario: Failing step
    Given a fixture step that passes
    When a fixture step fails with "boom"
    Then a fixture step that passes

  Scenario: Ambiguous step
    Given a fixture step bound twice

  @ignore
  Scenario: Ignored scenario
    Given a fixture step that passes

  Scenario: Scenario ignored at run time
    Given a fixture step that ignores the scenario

  Scenario Outline: Outline rows
    Given a fixture step that passes with <a> and <b>

    Examples: First block
      | a | b |
      | 1 | 2 |
      | 3 | 4 |

    @tagged-examples
    Examples: Second block
      | a | b |
      | 5 | 6 |

  @rule-tag
  Rule: A rule

    Background:
      Given a fixture step that writes "rule background ran" and attaches "rule.txt"

    Scenario: Scenario in a rule
      Given a fixture step that passes
