Feature: Delay and partitions
  Latency added by the mesh (a VirtualService fault the control plane pushes) and by the network (a delay proxy
  in user space, since this kernel has no netem), and partitions and packet loss between two hosts in network
  namespaces made by the test, with iptables.

  @fast @chaos
  Scenario: A mesh-level delay on ratings shows in what readers wait, and goes when rolled back
    Given the mesh is running with routing "virtual-service-reviews-v3.yaml"
    When a mesh fault delays 100 percent of requests to "ratings" by 400 ms
    And 60 requests are sent to "/productpage" at 10 per second
    Then no request failed
    And the p50 latency is above 400 ms
    When the chaos is rolled back
    And 60 requests are sent to "/productpage" at 10 per second
    Then no request failed
    And the p50 latency is below 400 ms

  @fast @chaos
  Scenario: Network latency in front of the gateway
    Given the mesh is running
    When the network in front of the gateway adds 150 ms each way
    And 40 requests are sent to "/productpage" at 10 per second
    Then no request failed
    And the p50 latency is above 300 ms

  @fast @chaos @root
  Scenario: A partition between two namespaced hosts, then healed
    Given two hosts in their own network namespaces, "client" and "server"
    When 50 requests are sent from "client" to "server" at 25 per second
    Then no request failed
    When "client" and "server" are partitioned
    And 10 requests are sent from "client" to "server" at 10 per second
    Then at most 0 percent succeed
    When the chaos is rolled back
    And 50 requests are sent from "client" to "server" at 25 per second
    Then no request failed

  @fast @chaos @root
  Scenario: Packet loss between namespaced hosts is hidden by TCP, and shows in the tail latency
    Given two hosts in their own network namespaces, "client" and "server"
    And the chaos seed is 3
    When one packet in every 4 from "client" to "server" is lost
    And 100 requests are sent from "client" to "server" at 25 per second
    Then no request failed
    And the p99 latency is above 200 ms
