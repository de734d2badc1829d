Feature: Canary rollout gated on live metrics
  Beyond Istio, which shifts weights only when told: reviews moves from v1 to v3 in steps, and each step waits
  for Prometheus to show the canary's error rate and p99 within limits before the next. A canary that starts
  failing is sent back to v1 by the rollout itself, and the mesh's retries keep readers from noticing.

  @fast @canary
  Scenario: Shifting a share of traffic by hand
    Given the mesh is running with routing "virtual-service-all-v1.yaml"
    When reviews is shifted to v3 by 20 percent
    And 400 requests are sent to "/productpage" at 50 per second
    Then no request failed
    And about 20 percent were served by "reviews-v3", within 7 points
    And about 80 percent were served by "reviews-v1", within 7 points

  @fast @canary @prometheus
  Scenario: A healthy canary is promoted step by step
    Given the mesh is running with routing "virtual-service-all-v1.yaml"
    When a steady load of 40 requests per second runs against "/productpage" for 60 seconds
    And reviews is rolled out from v1 to v3 in steps of "10, 25, 50 and 100" percent, gated on at most 1 percent errors and a p99 below 800 ms
    And the load has finished
    Then the rollout promoted v3 to 100 percent
    And the error budget of 0.5 percent was kept
    And responses came from "reviews-v1" and "reviews-v3"
    And no response was served by "reviews-v2"

  @fast @canary @prometheus
  Scenario: A canary that starts failing mid-way is rolled back without breaching the error budget
    Given the mesh is running with routing "virtual-service-all-v1.yaml"
    And "reviews-v3" starts failing 30 percent of its requests with 503 once the rollout has passed 25 percent
    When a steady load of 40 requests per second runs against "/productpage" for 45 seconds
    And reviews is rolled out from v1 to v3 in steps of "10, 25, 50 and 100" percent, gated on at most 1 percent errors and a p99 below 800 ms
    And the load has finished
    Then the rollout was rolled back to v1 at the 50 percent step
    And the error budget of 0.5 percent was kept
    When 100 requests are sent to "/productpage"
    Then every response was served by "reviews-v1"
