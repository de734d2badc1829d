Feature: Hooks and context injection
  Reqnroll hooks run in their documented order, and bindings share state through context injection.

  @hooks
  Scenario: Hooks run in order before the first scenario's steps
    Then the BeforeTestRun hook ran once
    And the hooks of this feature so far are:
      | hook                  |
      | BeforeFeature         |
      | BeforeScenario        |
      | BeforeScenario @hooks |

  @hooks
  Scenario: Earlier scenarios ran their AfterScenario hooks
    Then the BeforeTestRun hook ran once
    And BeforeFeature ran once and every earlier scenario of this feature ran its AfterScenario hook

  Scenario: Bindings share state through context injection
    Given the shared notebook says "hello mesh"
    Then another binding class reads "hello mesh" from the notebook
    And the scenario context knows this scenario is "Bindings share state through context injection"
    And the feature context knows this feature is "Hooks and context injection"
    And the @hooks BeforeScenario hook did not run for this scenario
    And xunit's test output helper can be injected too
