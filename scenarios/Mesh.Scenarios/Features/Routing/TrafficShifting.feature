Feature: Traffic shifting
  Istio's Bookinfo "traffic shifting" task: half of reviews traffic moves to v3, then all of it. Splits are
  checked over enough requests with a stated tolerance (binomial: at n=400 and p=0.5 one standard deviation is
  2.5 points, so 8 points is over three).

  @fast @routing
  Scenario: Shifting 50 percent to v3, then 100 percent
    Given the mesh is running with routing "virtual-service-all-v1.yaml"
    When routing "virtual-service-reviews-50-v3.yaml" is applied
    And 400 requests are sent to "/api/v1/products/0/reviews"
    Then about 50 percent were served by "reviews-v3", within 8 points
    And about 50 percent were served by "reviews-v1", within 8 points
    And no response was served by "reviews-v2"
    When routing "virtual-service-reviews-v3.yaml" is applied
    And 50 requests are sent to "/api/v1/products/0/reviews"
    Then every response was served by "reviews-v3"

  @fast @routing
  Scenario: An 80/20 canary splits as weighted
    Given the mesh is running with routing "virtual-service-reviews-80-20.yaml"
    When 500 requests are sent to "/api/v1/products/0/reviews"
    Then about 20 percent were served by "reviews-v2", within 6 points
    And about 80 percent were served by "reviews-v1", within 6 points

  @fast @routing
  Scenario: Shifting weights under steady load fails no request
    Given the mesh is running with routing "virtual-service-all-v1.yaml"
    When a steady load of 40 requests per second runs against "/api/v1/products/0/reviews" for 15 seconds
    And after 150 responses routing "virtual-service-reviews-50-v3.yaml" is applied
    And after 350 responses routing "virtual-service-reviews-v3.yaml" is applied
    And the load has finished
    Then no request failed
    And responses came from "reviews-v1" and "reviews-v3"
    And no response was served by "reviews-v2"
