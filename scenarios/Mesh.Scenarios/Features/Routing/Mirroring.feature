Feature: Mirroring
  Istio's Bookinfo "mirroring" task: users are served by reviews v1 while a copy of every request goes to v2, whose
  answers are thrown away. v2's sidecar sees the copies; users never see v2.

  @fast @routing
  Scenario: reviews v2 receives a copy of every request and users only see v1
    Given the mesh is running with routing "virtual-service-reviews-mirror-v2.yaml"
    When 50 requests are sent to "/api/v1/products/0/reviews"
    Then every response was served by "reviews-v1"
    And the sidecar of "reviews-v2" counted at least 50 requests from "productpage-v1" during the scenario
