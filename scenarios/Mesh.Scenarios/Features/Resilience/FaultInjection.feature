Feature: Fault injection
  Istio's Bookinfo fault-injection task: faults are injected by the mesh for one user only, and the application's
  own timeouts and error handling decide what that user sees. Everyone else is unaffected.

  Background:
    Given the mesh is running with routing "virtual-service-all-v1.yaml"
    And routing "virtual-service-reviews-test-v2.yaml" is applied

  @fast @resilience
  Scenario: A 7 s ratings delay for jason makes productpage give up on reviews
    When routing "virtual-service-ratings-test-delay.yaml" is applied
    And "jason" opens "/productpage" through the gateway
    Then the page shows "Sorry, product reviews are currently unavailable for this book."
    When "alice" opens "/productpage" through the gateway
    Then the page shows "Reviews served by: reviews-v1"
    And the page does not show "Sorry, product reviews are currently unavailable"

  @fast @resilience
  Scenario: An aborted ratings call shows the ratings error to jason only
    When routing "virtual-service-ratings-test-abort.yaml" is applied
    And "jason" opens "/productpage" through the gateway
    Then the page shows "Ratings service is currently unavailable"
    And the page shows "Reviews served by: reviews-v2"
    And the sidecar of "reviews-v2" counted responses "200" with flags "FI"
    When "alice" opens "/productpage" through the gateway
    Then the page does not show "Ratings service is currently unavailable"
