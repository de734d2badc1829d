@simulation @calibration
Feature: The simulator agrees with the real mesh
  The same routing, run for real through the AppHost's mesh and in simulation on Bookinfo's topology at the real
  load's own rate and length, gives the same answer within a stated tolerance: the simulator's numbers can be trusted
  where the real mesh cannot go.

  @routing
  Scenario: An 80/20 split
    Given the mesh is running with routing "virtual-service-reviews-80-20.yaml"
    And the simulation runs with routing "virtual-service-reviews-80-20.yaml"
    When 500 requests are sent to "/api/v1/products/0/reviews"
    And the last load is simulated on Bookinfo with the same routing, seed 1
    # Two independent samples of about 500: the difference of the shares has a standard deviation of 2.5 points.
    Then the simulation's share of reviews on "v1" is within 8 points of the real mesh's
    And the simulation's share of reviews on "v2" is within 8 points of the real mesh's
    And the simulation counts about 80 percent of the calls to "reviews" on "v1", within 6 points

  @resilience
  Scenario: One failing replica of three is ejected
    Given the mesh is running with routing "destination-rule-reviews-outlier-detection.yaml"
    And the simulation runs with routing "destination-rule-reviews-outlier-detection.yaml"
    And "reviews-v2" fails 100 percent of its requests with 500
    And in the simulation "reviews-v2" fails 100 percent of its requests with 500 from second 0
    When 500 requests are sent to "/api/v1/products/0/reviews"
    And the last load is simulated on Bookinfo with the same routing, seed 1
    Then the simulated sidecars ejected an instance of "reviews"
    And the simulation's success rate is within 1.5 points of the real mesh's
