Feature: Soak
  Long runs that CI skips: run them with MESH_SOAK=1 (see README, The harness).

  @soak @chaos
  Scenario: Ten minutes of load with a reviews replica killed and restarted every two minutes
    Given the mesh is running
    And the chaos seed is 11
    When a steady load of 50 requests per second runs against "/productpage" for 600 seconds
    And after 3000 responses one of "reviews-v1, reviews-v2, reviews-v3" is killed
    And after 6000 responses the chaos is rolled back
    And after 9000 responses one of "reviews-v1, reviews-v2, reviews-v3" is killed
    And after 12000 responses the chaos is rolled back
    And after 15000 responses one of "reviews-v1, reviews-v2, reviews-v3" is killed
    And after 18000 responses the chaos is rolled back
    And the load has finished
    Then at least 99.5 percent succeed
    And the error budget of 0.5 percent was kept
    And every proxy is connected and in sync again

  @soak @canary @prometheus
  Scenario: A rollout in eleven steps
    Given the mesh is running with routing "virtual-service-all-v1.yaml"
    When a steady load of 50 requests per second runs against "/productpage" for 120 seconds
    And reviews is rolled out from v1 to v3 in steps of "5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100" percent, gated on at most 1 percent errors and a p99 below 800 ms
    And the load has finished
    Then the rollout promoted v3 to 100 percent
    And the error budget of 0.5 percent was kept
