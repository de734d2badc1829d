@calculator
Feature: Arithmetic
  A pocket calculator adds, subtracts, multiplies and divides the numbers entered.

  Background:
    Given the calculator is switched on

  @fast
  Scenario: Add two numbers
    Given I have entered 50 into the calculator
    And I have entered 70 into the calculator
    When I press add
    Then the screen shows 120

  Scenario Outline: Combine two numbers
    Given I have entered <first> into the calculator
    And I have entered <second> into the calculator
    When I press <operation>
    Then the screen shows <result>

    Examples: Whole numbers
      | first | second | operation | result |
      | 2     | 3      | add       | 5      |
      | 6     | 7      | multiply  | 42     |

    @negative
    Examples: Negative numbers
      | first | second | operation | result |
      | -2    | 3      | add       | 1      |
      | 5     | 8      | subtract  | -3     |

  @fast
  Scenario: Add a column of numbers
    Given I have entered these numbers:
      | number |
      | 1      |
      | 2      |
      | 3.5    |
    When I press add
    Then the screen shows 6.5

  Rule: Dividing by zero is an error

    Scenario: Divide by zero
      Given I have entered 1 into the calculator
      And I have entered 0 into the calculator
      When I press divide
      Then the screen shows Error
