@security
Feature: Zero trust for the mesh's own control surfaces
  The mesh guards its own surfaces as it guards service traffic. Each attack below is what a process on the same
  host, or a web page the operator happens to visit, can try: it is refused, and afterwards the mesh's config, its
  registry and readers' pages are exactly as they were.

  Background:
    Given the mesh is running
    And the mesh's config and registry are noted

  @fast
  Scenario: Writes to the control plane without a credential are refused
    When an anonymous client applies "virtual-service-reviews-v3.yaml" to the control plane
    Then the control plane answers 401
    When an anonymous client rotates the control plane's root with an overlap of "1ms"
    Then the control plane answers 401
    When an anonymous client resets the control plane's config
    Then the control plane answers 401
    When an anonymous client reads the control plane's registry
    Then the control plane answers 401
    And the mesh's config, registry and pages are unchanged

  @fast
  Scenario: A web page cannot write through the operator's browser session
    When a page from "http://evil.example" posts "virtual-service-reviews-v3.yaml" as "text/plain" to the control plane in the operator's session
    Then the control plane answers 403
    When a page from the control plane's own origin posts "virtual-service-reviews-v3.yaml" as "text/plain" in the operator's session
    Then the control plane answers 415
    And the mesh's config, registry and pages are unchanged

  @fast
  Scenario: Fault injection at a sidecar needs a credential the control plane vouches for
    When an anonymous client sets a 100 percent abort on the sidecar of "reviews-v1"
    Then the sidecar answers 401
    When a page from "http://evil.example" sets a 100 percent abort on the sidecar of "reviews-v1" with the operator's credential
    Then the sidecar answers 403
    And the sidecar of "reviews-v1" has no runtime faults
    And the mesh's config, registry and pages are unchanged

  @fast
  Scenario: A forged registration gets no config and no traffic
    When a client without a token registers workload "reviews-v9" as "reviews" version "v1"
    Then the discovery stream is refused as "Unauthenticated"
    When a client with the token of "details-v1" registers workload "reviews-v9" as "reviews" version "v1"
    Then the discovery stream is refused as "PermissionDenied"
    And the mesh's config, registry and pages are unchanged

  @fast
  Scenario: A stolen token cannot take over or remove another proxy's registration
    When a client with the token of "reviews-v2" says hello as "reviews-v1" and hangs up
    Then the discovery stream is refused as "PermissionDenied"
    And the mesh's config, registry and pages are unchanged

  @fast
  Scenario: The control plane never dials an address a proxy chose
    When a new workload "probe-v1" registers claiming an admin address the test listens on
    Then the discovery stream is accepted
    When the control plane is asked for the config dump of "probe-v1"
    Then the dump came over the workload's own stream
    And nothing connected to the claimed address
    When a new workload "metadata-v1" registers claiming the admin address "169.254.169.254:80"
    Then the discovery stream is accepted
    And Prometheus is not handed "169.254.169.254:80" as a target

  @fast
  Scenario: A workload with a valid certificate of another identity cannot serve a service it is not
    When the host "impostor.example" is routed to the sidecar of "details-v1" as a service that runs as "bookinfo-reviews"
    Then requests for "impostor.example" through the gateway are answered 503 with the flag "UF"
    And the answer names "spiffe://cluster.local/ns/default/sa/bookinfo-details" as the identity it got
    When the DestinationRule of "impostor.example" names "spiffe://cluster.local/ns/default/sa/bookinfo-details" in its subjectAltNames
    Then requests for "impostor.example" through the gateway are answered 200

  @fast
  Scenario: An alias bomb, an oversized body and a path as credentialName are refused where they are
    When this config is submitted to the control plane:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: bomb}
      spec:
        hosts: [details]
        a0: &a0 {exact: v}
        a1: &a1 [*a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0]
        a2: &a2 [*a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1]
        a3: &a3 [*a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2]
        a4: &a4 [*a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3]
        a5: &a5 [*a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4]
        a6: &a6 [*a5, *a5, *a5, *a5, *a5, *a5, *a5, *a5, *a5, *a5]
      """
    Then the control plane refuses it with "MESH114"
    When a body of 9 MB is submitted to the control plane
    Then the control plane answers 413
    When this config is submitted to the control plane:
      """
      apiVersion: networking.istio.io/v1
      kind: Gateway
      metadata: {name: stolen-keys}
      spec:
        selector: {istio: ingressgateway}
        servers:
        - port: {number: 8443, name: https, protocol: HTTPS}
          hosts: ["*"]
          tls: {mode: SIMPLE, credentialName: "../../../../root/.ssh"}
      """
    Then the control plane refuses it with "MESH111"
    And the mesh's config, registry and pages are unchanged

  @fast
  Scenario: A VirtualService in an unused namespace cannot take over details
    When this config is submitted to the control plane:
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: takeover, namespace: nobody}
      spec:
        hosts: [details]
        http:
        - fault: {abort: {httpStatus: 500, percentage: {value: 100}}}
          route: [{destination: {host: details}}]
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: takeover-fqdn, namespace: nobody}
      spec:
        hosts: [details.default.svc.cluster.local]
        exportTo: ["."]
        http:
        - fault: {abort: {httpStatus: 500, percentage: {value: 100}}}
          route: [{destination: {host: details.default.svc.cluster.local}}]
      """
    Then the control plane accepts it
    And every proxy is connected and in sync again
    When 50 requests are sent to "/api/v1/products/0"
    Then no request failed

  @fast
  Scenario: A half-saved file in the config folder is a finding, and a killed control plane comes back serving the rest
    When a half-saved file "zz-half-saved.yaml" is written into the config folder
    Then the control plane reports "MESH101" in "zz-half-saved.yaml"
    And the mesh's config, registry and pages are unchanged
    When the control plane is killed
    Then the control plane comes back by itself
    And every proxy is connected and in sync again
    And the control plane reports "MESH101" in "zz-half-saved.yaml"
    And the mesh's config, registry and pages are unchanged

  @fast
  Scenario: Aspire's resource service and dashboard ask who you are, and no secret is in any environment
    Then an anonymous call to Aspire's resource service is refused with 401
    And the dashboard sends an anonymous browser to its login page
    And no resource's environment holds a token or a key of the mesh

  @fast
  Scenario: No stack trace reaches a reader
    When a malformed login is posted through the gateway
    Then the answer holds no stack trace
