Feature: Reading the product page through the gateway
  A reader opens Bookinfo's product page at the ingress gateway. The request crosses the gateway, productpage's
  sidecar, and the sidecars of details, reviews and ratings, and comes back as one page.

  Background:
    Given the mesh is running

  @fast @skeleton
  Scenario: A reader opens the product page through the gateway and sees reviews
    When a reader opens "/productpage" through the gateway
    Then the page shows "The Comedy of Errors"
    And the page shows "ISBN-10"
    And the page shows reviews served by "reviews-v[123]"
    And the response carries the header "x-envoy-upstream-service-time"
    And the sidecar of "productpage-v1" counted requests from "istio-ingressgateway"
    And the sidecars of "reviews" counted requests from "productpage-v1"
    And the trace of that request in the dashboard spans "istio-ingressgateway, details-v1, reviews-v"
