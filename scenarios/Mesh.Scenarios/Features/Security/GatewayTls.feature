Feature: TLS at the ingress gateway
  The gateway serves HTTPS with certificates picked by SNI, and for a MUTUAL server it refuses clients without a
  certificate, with an expired one, or with one from another CA.

  Background:
    Given the gateway serves HTTPS with test certificates

  @fast @security
  Scenario: HTTPS with a server certificate
    When a reader opens "/productpage" over HTTPS at "bookinfo.example.com"
    Then it is answered 200
    And the answer shows "The Comedy of Errors"

  @fast @security
  Scenario: Mutual TLS at the gateway accepts only good client certificates
    When a client with a valid certificate opens "/productpage" at "secure.example.com"
    Then it is answered 200
    When a client without a certificate opens "/productpage" at "secure.example.com"
    Then it is refused
    When a client with an expired certificate opens "/productpage" at "secure.example.com"
    Then it is refused
    When a client with a certificate from another CA opens "/productpage" at "secure.example.com"
    Then it is refused
