Feature: Circuit breaking
  Istio's circuit-breaking task: with one request allowed in flight and one queued, extra concurrent requests are
  refused at once with 503 and the flag UO, and the proxy's overflow counter says how many. (Istio's page shows
  11 × 200 and 19 × 503 for 30 requests over 3 connections; the exact split depends on timing.)

  @fast @resilience
  Scenario: Concurrent requests overflow a one-connection pool
    Given the mesh is running with routing "destination-rule-productpage-circuit-breaker.yaml"
    When 30 requests are sent to "/productpage" over 3 connections
    Then every 503 the gateway returned was marked "UO", and its overflow counter for "productpage" equals their number
    And the circuit breaker for "productpage" has opened
