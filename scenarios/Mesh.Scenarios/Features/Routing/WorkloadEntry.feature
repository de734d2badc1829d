Feature: A workload the mesh did not start
  Istio's WorkloadEntry brings a VM, or a process on the host, into the mesh: its address, ports, labels and service
  account make it an endpoint of the service its labels select, called in plaintext since it has no sidecar. Here
  the test itself runs a details server on a loopback port, which Aspire knows nothing about.

  @fast @routing
  Scenario: A process Aspire did not start serves details through a WorkloadEntry
    Given the mesh is running with routing "virtual-service-all-v1.yaml"
    And a details server the mesh did not start listens on a loopback port
    When its WorkloadEntry is applied as details "v2"
    And details is routed to its subset "v2"
    And a reader opens "/productpage" through the gateway
    Then the page shows "Outside Press"
    And the server the mesh did not start answered the mesh's calls
