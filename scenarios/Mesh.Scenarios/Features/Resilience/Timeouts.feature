Feature: Timeouts and deadlines
  A route timeout answers 504 with the flag UT instead of waiting; a gRPC caller's deadline is honoured by its
  sidecar, which answers DEADLINE_EXCEEDED.

  @fast @resilience
  Scenario: A slow reviews call times out at the route's timeout
    Given the mesh is running with routing "virtual-service-reviews-v2-timeout.yaml"
    And routing "virtual-service-ratings-delay-2s.yaml" is applied
    When "alice" opens "/productpage" through the gateway
    Then the page shows "Sorry, product reviews are currently unavailable for this book."
    And the sidecar of "productpage-v1" counted responses "504" with flags "UT"

  @fast @resilience
  Scenario: A gRPC deadline runs out in the caller's sidecar
    Given the mesh is running with routing "virtual-service-reviews-v3.yaml"
    And routing "virtual-service-ratings-grpc-delay-4s.yaml" is applied
    When "alice" opens "/productpage" through the gateway
    Then the page shows "Ratings service is currently unavailable"
    And the sidecar of "reviews-v3" counted gRPC status 4 for calls to "ratings"
