Feature: Mutual TLS between sidecars
  Every workload gets a SPIFFE certificate from the control plane's CA and sidecars talk mutual TLS. Under a
  mesh-wide STRICT PeerAuthentication nobody can go around the sidecars: plaintext and foreign certificates are
  refused at the handshake, while traffic through the mesh goes on.

  @fast @security
  Scenario: Under STRICT, going around the sidecar is refused and the mesh path works
    Given mutual TLS is STRICT across the mesh
    When a raw client calls "reviews-v1" on its inbound port without TLS
    Then it is refused
    When a client with a certificate from another CA calls "reviews-v1" on its inbound port
    Then it is refused
    When 30 requests are sent to "/productpage"
    Then no request failed
    And traffic between the sidecars is mutual TLS

  @fast @security
  Scenario: Certificates rotate under load without a failed request
    Given the mesh is running
    When the proxies' certificates are noted
    And 500 requests are sent to "/api/v1/products/0/reviews" at 20 per second
    Then no request failed
    And every proxy has rotated its certificate
