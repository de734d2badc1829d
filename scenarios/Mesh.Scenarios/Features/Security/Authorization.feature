Feature: Authorization
  An AuthorizationPolicy lets only reviews' identity call ratings. productpage, which has its own ratings API,
  is refused with 403 and the flag RBAC; reviews keeps getting ratings.

  @fast @security
  Scenario: Only reviews may call ratings
    Given the mesh is running with routing "virtual-service-reviews-v3.yaml"
    And routing "authorization-policy-ratings.yaml" is applied
    When productpage is asked for ratings directly
    Then it is answered 403
    And the sidecar of "ratings-v1" counted responses "403" with flags "RBAC"
    When a reader opens "/productpage" through the gateway
    Then the page shows "glyphicon-star"
    And the page does not show "Ratings service is currently unavailable"
