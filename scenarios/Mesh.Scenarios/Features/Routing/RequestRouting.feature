Feature: Request routing
  Istio's Bookinfo "request routing" task, with Istio's own files: first every service goes to v1, then the user
  jason is sent to reviews v2 by a header match while everyone else stays on v1. Then the same split by delegation:
  the rule for jason hands his requests to a VirtualService without hosts, whose rules apply within it.

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

  @fast @routing
  Scenario: A delegated VirtualService routes jason's reviews
    Given the mesh is running with routing "virtual-service-all-v1.yaml"
    When routing "virtual-service-reviews-delegate.yaml" is applied
    And 30 requests are sent to "/productpage" as user "jason"
    Then every response was served by "reviews-v3"
    When 30 requests are sent to "/productpage" as user "alice"
    Then every response was served by "reviews-v1"
