@console @prometheus
Feature: Mesh console
  Operators want to see the mesh, not read it. The control plane serves a console whose graph is drawn from live
  telemetry in Prometheus, with validations, a canary wizard and every proxy's state. These scenarios drive it in
  Debian's Chromium while load runs through the gateway, and keep a screenshot of each view in artifacts/console.

  Background:
    Given the mesh is running

  Scenario: The graph shows productpage calling reviews with the live split
    When a steady load of 20 requests per second runs against "/productpage" for 60 seconds
    Then the control plane's resource in the Aspire dashboard links to the mesh console
    When the console shows the "versioned app" graph over the last "30s"
    Then the graph has an edge from "istio-ingressgateway" to "productpage"
    And the graph has an edge from "productpage v1" to "reviews"
    And the graph shows about 33 percent of the traffic from "reviews" going to "reviews v1", within 12 points
    And the graph shows about 33 percent of the traffic from "reviews" going to "reviews v2", within 12 points
    And the graph shows about 33 percent of the traffic from "reviews" going to "reviews v3", within 12 points
    And every edge from "productpage v1" is mutual TLS, with its lock drawn
    And the page has no serious accessibility violations
    And a screenshot of the console is kept as "graph"
    When the node "reviews" is selected
    Then the side panel shows the proxies of "reviews-v1, reviews-v2, reviews-v3" SYNCED, each with its certificate's expiry
    And the side panel links to "DestinationRule/default/reviews"
    And a screenshot of the console is kept as "graph-node"
    When the console shows the "workload" graph over the last "30s"
    Then the graph has an edge from "productpage-v1" to "reviews-v2"
    And a screenshot of the console is kept as "graph-workload"
    When the load has finished

  Scenario: Shifting reviews 80/20 in the canary wizard changes the VirtualService and the measured split
    When a steady load of 20 requests per second runs against "/productpage" for 100 seconds
    When the canary wizard splits "reviews" as "v1=80, v2=20, v3=0"
    Then the wizard's preview is valid and routes "v1=80, v2=20"
    And the page has no serious accessibility violations
    And a screenshot of the console is kept as "canary"
    When the wizard's VirtualService is applied
    Then the control plane serves VirtualService "reviews" routing "v1=80, v2=20"
    When the console shows the "versioned app" graph over the last "10s"
    Then the graph shows no traffic from "reviews" to "reviews v3"
    And the graph shows about 80 percent of the traffic from "reviews" going to "reviews v1", within 10 points
    And the graph shows about 20 percent of the traffic from "reviews" going to "reviews v2", within 10 points
    And a screenshot of the console is kept as "graph-canary"
    When the load has finished

  Scenario: A broken config shows in the validations view, and the mesh keeps serving
    When a steady load of 10 requests per second runs against "/productpage" for 40 seconds
    And this config is submitted to the control plane:
      """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata:
        name: ratings
      spec:
        host: ratings
        subsets:
        - name: v1
          labels:
            version: v1
        - name: v4
          labels:
            version: v4
      """
    Then the control plane accepts it
    When this config is submitted to the control plane:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: reviews
      spec:
        hosts:
        - reviews
        http:
        - route:
          - destination:
              host: reviews
              subset: v9
      """
    Then the control plane refuses it with "MESH201"
    When the console shows the validations
    Then the validations list "MESH201" for "VirtualService/default/reviews" in the refused change
    And the validations list "MESH203" for "DestinationRule/default/ratings" in the served config
    And the page has no serious accessibility violations
    And a screenshot of the console is kept as "validations"
    When the link to "DestinationRule/default/ratings" is followed
    Then the resource page shows its YAML with "name: v4"
    When the load has finished
    Then no request failed

  Scenario: Every proxy's sync state and config, as proxy-status and proxy-config show them
    When the console shows the proxies
    Then the proxies view shows every proxy SYNCED
    When the config of "productpage-v1" is opened
    Then its routes send "reviews" to "outbound|9080||reviews.default.svc.cluster.local" and its clusters include "outbound|9080||reviews.default.svc.cluster.local"
    And the page has no serious accessibility violations
    And a screenshot of the console is kept as "proxies"
