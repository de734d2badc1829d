Feature: JWT request authentication
  A RequestAuthentication at the gateway accepts tokens from one issuer, and an AuthorizationPolicy requires one
  for the product API: no token is forbidden, a bad token is unauthorized, a valid one passes.

  @fast @security
  Scenario: A JWT-protected path
    Given "/api/v1/products" at the gateway requires a JWT
    When "/api/v1/products/0" is requested without a token
    Then it is answered 403
    When "/api/v1/products/0" is requested with a token signed by someone else
    Then it is answered 401
    When "/api/v1/products/0" is requested with a valid token
    Then it is answered 200
    When "/productpage" is requested without a token
    Then it is answered 200
