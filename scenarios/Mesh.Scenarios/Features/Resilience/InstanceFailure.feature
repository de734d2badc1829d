Feature: Instance and control-plane failure under load
  Pods die and control planes restart. With three reviews replicas, losing one under load costs readers almost
  nothing: its connections break, the mesh retries connect failures elsewhere, and the registry drops it. A killed
  control plane is started again by the mesh's supervisor, as a Deployment would; while it is gone every sidecar
  keeps routing with the config it has, and when it is back the sidecars reconnect and are in sync again.

  @fast @chaos
  Scenario: One of three reviews replicas is killed under load
    Given the mesh is running
    And the chaos seed is 7
    When a steady load of 50 requests per second runs against "/productpage" for 20 seconds
    And after 250 responses one of "reviews-v1, reviews-v2, reviews-v3" is killed
    And the load has finished
    Then at least 99.5 percent succeed
    And the error budget of 0.5 percent was kept
    When the chaos is rolled back
    Then every proxy is connected and in sync again

  @fast @chaos
  Scenario: The control plane is killed under load, comes back by itself, and the sidecars resynchronise
    Given the mesh is running with routing "virtual-service-reviews-80-20.yaml"
    When a steady load of 50 requests per second runs against "/productpage" for 20 seconds
    And after 150 responses the control plane is killed
    Then the control plane comes back by itself
    When the load has finished
    Then no request failed
    And about 80 percent were served by "reviews-v1", within 7 points
    And every proxy is connected and in sync again
    And meshctl proxy-status shows every proxy SYNCED at the newest version
