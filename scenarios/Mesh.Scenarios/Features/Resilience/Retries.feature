Feature: Retries and the retry budget
  A flaky instance is hidden by retries, which go to another instance. Without retries its failures show. And
  when an instance fails everything, the retry budget stops retries from multiplying its load.

  @fast @resilience
  Scenario: Retries hide a flaky instance
    Given the mesh is running with routing "virtual-service-reviews-retries.yaml"
    And "reviews-v1" fails 30 percent of its requests with 503
    When 400 requests are sent to "/api/v1/products/0/reviews"
    Then at least 99.5 percent succeed
    And the sidecar of "reviews-v1" counted responses "503" with flags "FI"

  @fast @resilience
  Scenario: Without retries the flaky instance's failures show
    Given the mesh is running with routing "virtual-service-reviews-no-retries.yaml"
    And "reviews-v1" fails 30 percent of its requests with 503
    When 400 requests are sent to "/api/v1/products/0/reviews"
    Then the sidecar of "productpage-v1" counted "503" answers from "reviews"

  @fast @resilience
  Scenario: Retries beyond the budget are refused and counted
    Given the mesh is running with routing "virtual-service-reviews-v1-retries.yaml"
    And "reviews-v1" fails 100 percent of its requests with 503
    When 300 requests are sent to "/api/v1/products/0/reviews"
    Then the sidecar of "productpage-v1" refused retries to "reviews" for the retry budget
    And "reviews-v1" received at most 1.5 times the requests "productpage-v1" sent it
