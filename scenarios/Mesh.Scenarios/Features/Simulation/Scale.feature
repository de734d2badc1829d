@simulation
Feature: The mesh at scale, in simulation
  Questions no machine here can answer with real processes, answered by the simulator: the sidecar's own policy code
  (routing, load balancing, retries and the retry budget, timeouts, connection-pool limits, outlier detection) on a
  generated mesh in virtual time. Same seed, same answer.

  Scenario: One of 200 services failing half its requests does not set off a retry storm
    Given a simulated mesh of 200 services with 2 replicas each, taking 2000 requests per second
    And in the simulation "svc-010" fails 50 percent of its requests with 503 from second 10
    When the simulation runs for 40 seconds with seed 1
    Then in the simulation "svc-010" carried at most 1.5 times the calls it was sent
    And the simulated callers saw at least 90 percent succeed

  Scenario: Outlier detection cuts a failing instance out under 500 requests per second
    Given the simulated Bookinfo, taking 500 requests per second
    And the simulation runs with routing "destination-rule-reviews-outlier-detection.yaml"
    And in the simulation "reviews-v2" fails 100 percent of its requests with 500 from second 5
    When the simulation runs for 60 seconds with seed 3
    Then the simulated sidecars ejected an instance of "reviews"
    And the simulated callers saw at least 99 percent succeed
