Feature: Golden signals in Prometheus
  The metrics an Istio user's dashboards and alerts already query, read from a real Prometheus (the Debian package,
  run by the AppHost) that finds every proxy through the control plane's registry. Each check compares Prometheus'
  counters at two marks, taken when Prometheus holds exactly what the proxies hold, so only the scenario's own
  traffic counts. Splits use 400 calls: at p = 0.2 one binomial standard deviation is 2 points, so 8 points is four.

  @fast @prometheus @telemetry
  Scenario: Prometheus sees the canary split that the weights ask for
    Given the mesh is running with routing "virtual-service-reviews-80-20.yaml"
    And Prometheus has caught up with the proxies
    When 400 requests are sent to "/productpage"
    And Prometheus has caught up with the proxies
    Then Prometheus counts about 80 percent of productpage's calls to reviews on "v1", within 8 points
    And Prometheus counts about 20 percent of productpage's calls to reviews on "v2", within 8 points
    And Prometheus counts as many of them as the load driver saw answered 200

  @fast @prometheus @telemetry
  Scenario: Injected aborts are counted as 500 with the flag FI
    Given the mesh is running with routing "virtual-service-all-v1.yaml"
    And routing "virtual-service-reviews-test-abort.yaml" is applied
    And Prometheus has caught up with the proxies
    When 50 requests are sent to "/productpage" as user "jason"
    And Prometheus has caught up with the proxies
    Then Prometheus counts every call from "productpage-v1" to "reviews" in the window as response_code "500" with response_flags "FI"

  @fast @prometheus @telemetry
  Scenario: An abort injected into a gRPC call is a gRPC status, as Envoy sends it
    Given the mesh is running with routing "virtual-service-all-v1.yaml"
    And routing "virtual-service-reviews-test-v2.yaml" is applied
    And routing "virtual-service-ratings-test-abort.yaml" is applied
    And Prometheus has caught up with the proxies
    When 50 requests are sent to "/productpage" as user "jason"
    And Prometheus has caught up with the proxies
    Then Prometheus counts every call from "reviews-v2" to "ratings" in the window as response_code "200", grpc_response_status "2" and response_flags "FI"

  @fast @prometheus @telemetry
  Scenario: The p99 in Prometheus agrees with the load driver's
    Given the mesh is running with routing "virtual-service-all-v1.yaml"
    And Prometheus has caught up with the proxies
    When 300 requests are sent to "/productpage" over 4 connections
    And Prometheus has caught up with the proxies
    Then the gateway's p99 from istio_request_duration_milliseconds is in the load driver's p99 bucket or the one below

  @fast @prometheus @telemetry
  Scenario: After an apply, proxy-status and the convergence histogram agree that every proxy ACKed
    Given the mesh is running
    When the proxies' convergence count is noted
    And routing "virtual-service-reviews-50-v3.yaml" is applied
    Then meshctl proxy-status shows every proxy SYNCED at the newest version
    And Prometheus' pilot_proxy_convergence_time counted an ACK from each of them

  @fast @telemetry
  Scenario: A Telemetry resource removes a label from istio_requests_total
    Given the mesh is running with routing "virtual-service-all-v1.yaml"
    And routing "telemetry-remove-request-protocol.yaml" is applied
    When 20 requests are sent to "/productpage"
    Then the requests the sidecar of "reviews-v1" counted during the scenario carry no "request_protocol" label
    And the requests the sidecar of "productpage-v1" counted during the scenario carry no "request_protocol" label
