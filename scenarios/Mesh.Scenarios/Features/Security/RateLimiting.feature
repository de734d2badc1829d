Feature: Local rate limiting
  Istio's local rate limit EnvoyFilter at the gateway: a bucket of 5 tokens, refilled each minute. Past it,
  requests get 429 with the flag RL.

  @fast @security
  Scenario: The gateway refuses what exceeds its bucket
    Given the mesh is running with routing "envoyfilter-gateway-local-ratelimit.yaml"
    When 20 requests are sent to "/productpage"
    Then 5 requests succeeded and 15 were answered 429
    And the sidecar of "istio-ingressgateway" counted responses "429" with flags "RL"
