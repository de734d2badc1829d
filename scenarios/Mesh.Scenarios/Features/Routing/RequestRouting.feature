Feature: Request routing
  Istio's Bookinfo "request routing" task, with Istio's own files: first every service goes to v1, then the user
  jason is sent to reviews v2 by a header match while everyone else stays on v1.

  @fast @routing
  Scenario: Everything goes to v1
    Given the mesh is running with routing "virtual-service-all-v1.yaml"
    When 30 requests are sent to "/productpage"
    Then every response was served by "reviews-v1"

  @fast @routing
  Scenario: jason sees reviews v2 and everyone else v1
    Given the mesh is running with routing "virtual-service-all-v1.yaml"
    When routing "virtual-service-reviews-test-v2.yaml" is applied
    And 30 requests are sent to "/productpage" as user "jason"
    Then every response was served by "reviews-v2"
    When 30 requests are sent to "/productpage" as user "alice"
    Then every response was served by "reviews-v1"
    When 30 requests are sent to "/productpage"
    Then every response was served by "reviews-v1"
