Feature: Outlier detection
  One of the three reviews instances starts answering 500. Productpage's sidecar ejects it, and readers stop
  seeing the failures.

  @fast @resilience
  Scenario: A failing reviews instance is ejected and the failures stop
    Given the mesh is running with routing "destination-rule-reviews-outlier-detection.yaml"
    And "reviews-v2" fails 100 percent of its requests with 500
    When the sidecar of "productpage-v1" has ejected an instance of "reviews"
    And 500 requests are sent to "/api/v1/products/0/reviews"
    Then at least 99 percent succeed
    And no response was served by "reviews-v2"
    And the sidecar of "productpage-v1" has ejected an instance of "reviews"
