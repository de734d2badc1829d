@calculator
Feature: Paper tape
  Every entry and every result is printed on the calculator's paper tape.

  Scenario: The tape lists entries and results
    Given the calculator is switched on
    And I have entered 2 into the calculator
    And I have entered 3 into the calculator
    When I press add
    Then the tape reads:
      """
      2
      3
      add = 5
      """
    But the screen does not show 0
