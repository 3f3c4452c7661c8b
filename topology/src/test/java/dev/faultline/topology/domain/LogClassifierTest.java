package dev.faultline.topology.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.faultline.schema.FaultCategory;
import dev.faultline.schema.FaultKind;

class LogClassifierTest {
    private static final LogClassifier CLASSIFIER = new LogClassifier(RuleSet.defaults());

    private static FaultKind kindOf(String body) {
        return CLASSIFIER.classify(body, Map.of()).kind();
    }

    /** Every example of fault-model.md section 3, and more of the same families. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "java.net.SocketTimeoutException: Read timed out|CONNECTION_TIMEOUT",
        "Connection refused|CONNECTION_REFUSED",
        "connect ECONNREFUSED 10.0.0.7:5432|CONNECTION_REFUSED",
        "java.net.UnknownHostException: postgres.internal|DNS_RESOLUTION_FAILED",
        "getaddrinfo: Name or service not known|DNS_RESOLUTION_FAILED",
        "lookup payments.svc: NXDOMAIN|DNS_RESOLUTION_FAILED",
        "javax.net.ssl.SSLHandshakeException: Received fatal alert: handshake_failure|TLS_HANDSHAKE_FAILED",
        "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate|TLS_HANDSHAKE_FAILED",
        "java.net.NoRouteToHostException: No route to host|NETWORK_UNREACHABLE",
        "dial tcp 10.1.2.3:443: connect: Network is unreachable|NETWORK_UNREACHABLE",
        "java.lang.OutOfMemoryError: Java heap space|OUT_OF_MEMORY",
        "fork: Cannot allocate memory|OUT_OF_MEMORY",
        "Memory cgroup out of memory: Killed process 4242 (java) oom-kill:constraint=CONSTRAINT_MEMCG|OUT_OF_MEMORY",
        "java.io.IOException: No space left on device|DISK_SPACE_FULL",
        "write /var/lib/data/seg.log: ENOSPC|DISK_SPACE_FULL",
        "block blk_123 checksum mismatch on datanode 7|DATA_CORRUPTION",
        "Index file is corrupt, rebuilding|DATA_CORRUPTION",
        "com.fasterxml.jackson.core.JsonParseException: Unexpected character ('<' (code 60))|SERIALIZATION_ERROR",
        "org.apache.avro.AvroTypeException: Expected start-union. Got VALUE_STRING|SERIALIZATION_ERROR",
        "com.google.protobuf.InvalidProtocolBufferException: Protocol message had invalid UTF-8|SERIALIZATION_ERROR",
        "open /etc/app/secret.pem: Permission denied|PERMISSION_DENIED",
        "HTTP 403 Forbidden from billing-api|PERMISSION_DENIED",
        "org.apache.kafka.common.config.ConfigException: Missing required configuration \"bootstrap.servers\"|CONFIGURATION_ERROR",
        "missing required config key db.url|CONFIGURATION_ERROR",
        "HikariPool-1 - Connection is not available, request timed out after 30000ms.|RESOURCE_EXHAUSTED",
        "java.net.SocketException: Too many open files|RESOURCE_EXHAUSTED",
        "javax.validation.ConstraintViolationException: amount must not be null|VALIDATION_ERROR",
        "java.lang.NumberFormatException: For input string: \"12a\"|FORMAT_ERROR",
        "replica lost 12 records during unclean leader election|DATA_LOSS",
        "user logged in|UNCLASSIFIED",
    })
    void shouldClassifyTheSpecExamples(String body, FaultKind expected) {
        assertThat(kindOf(body)).isEqualTo(expected);
    }

    @Test
    void shouldClassifyHttpAuthFailuresByStatusAttribute() {
        assertThat(CLASSIFIER.classify("request failed", Map.of("http.response.status_code", "401")).kind()).isEqualTo(FaultKind.PERMISSION_DENIED);
        assertThat(CLASSIFIER.classify("request failed", Map.of("http.status_code", "403")).kind()).isEqualTo(FaultKind.PERMISSION_DENIED);
        assertThat(CLASSIFIER.classify("request failed", Map.of("http.response.status_code", "4013")).kind()).isEqualTo(FaultKind.UNCLASSIFIED);
    }

    @Test
    void shouldIgnoreCase() {
        assertThat(kindOf("CONNECTION REFUSED by upstream")).isEqualTo(FaultKind.CONNECTION_REFUSED);
        assertThat(kindOf("no space left on device")).isEqualTo(FaultKind.DISK_SPACE_FULL);
    }

    @Test
    void shouldFindTheRootCauseInAWrappedStackTrace() {
        String trace = """
            org.springframework.web.client.ResourceAccessException: I/O error on POST request for "http://payments/charge"
            \tat org.springframework.web.client.RestTemplate.doExecute(RestTemplate.java:791)
            \tat org.springframework.web.client.RestTemplate.execute(RestTemplate.java:717)
            \tat com.shop.checkout.PaymentClient.charge(PaymentClient.java:42)
            \tat com.shop.checkout.CheckoutService.placeOrder(CheckoutService.java:88)
            \tat com.shop.checkout.CheckoutController.post(CheckoutController.java:31)
            \tat jdk.internal.reflect.GeneratedMethodAccessor12.invoke(Unknown Source)
            \tat java.base/java.lang.reflect.Method.invoke(Method.java:569)
            \tat org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:883)
            \tat org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:166)
            Caused by: java.net.SocketTimeoutException: Read timed out
            \tat java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:288)
            \t... 52 more
            """;
        Classification result = CLASSIFIER.classify(trace, Map.of());
        assertThat(result.kind()).isEqualTo(FaultKind.CONNECTION_TIMEOUT);
        assertThat(result.category()).isEqualTo(FaultCategory.NETWORK);
        assertThat(result.ruleId()).isEqualTo("network.timeout");
    }

    @Test
    void shouldUseExceptionAttributesWhenTheBodyIsTerse() {
        Classification result = CLASSIFIER.classify("charge failed",
            Map.of("exception.type", "java.net.ConnectException", "exception.message", "Connection refused (Connection refused)"));
        assertThat(result.kind()).isEqualTo(FaultKind.CONNECTION_REFUSED);
    }

    @Test
    void shouldNotReadPastTheHeadOfAHugeLine() {
        String huge = "x".repeat(5_000_000) + " No space left on device";
        assertThat(CLASSIFIER.excerpt(huge, Map.of())).hasSizeLessThanOrEqualTo(LogClassifier.DEFAULT_MAX_CHARS);
        assertThat(kindOf(huge)).isEqualTo(FaultKind.UNCLASSIFIED);
        assertThat(kindOf("No space left on device " + "x".repeat(5_000_000))).isEqualTo(FaultKind.DISK_SPACE_FULL);
    }

    @Test
    @Timeout(30) // a hang guard, not a performance bound: backtracking engines never finish this
    void shouldMatchABacktrackingTrapInLinearTime() {
        RuleSet hostile = RuleSet.parse("{\"rules\":[{\"id\":\"trap\",\"kind\":\"FORMAT_ERROR\",\"severity\":\"LOW\",\"pattern\":\"^(a+)+$\"}]}");
        LogClassifier classifier = new LogClassifier(hostile, 8, 100_000);
        assertThat(classifier.classify("a".repeat(50_000) + "!", Map.of()).kind()).isEqualTo(FaultKind.UNCLASSIFIED);
        assertThat(classifier.classify("a".repeat(50_000), Map.of()).kind()).isEqualTo(FaultKind.FORMAT_ERROR);
    }

    @Test
    void shouldShipARuleForEveryLogDerivedKind() {
        Set<FaultKind> covered = RuleSet.defaults().rules().stream().map(ClassificationRule::kind).collect(Collectors.toSet());
        Set<FaultKind> windowDerived = EnumSet.of(FaultKind.HIGH_LATENCY, FaultKind.LOW_THROUGHPUT, FaultKind.HIGH_ERROR_RATE,
            FaultKind.CPU_OVERLOAD, FaultKind.MEMORY_PRESSURE, FaultKind.SERVICE_DOWN, FaultKind.NEW_ERROR_PATTERN, FaultKind.UNCLASSIFIED);
        Set<FaultKind> expected = EnumSet.allOf(FaultKind.class);
        expected.removeAll(windowDerived);
        assertThat(covered).containsAll(expected);
        assertThat(Arrays.stream(FaultKind.values())).allSatisfy(k -> assertThat(FaultTaxonomy.categoryOf(k)).isNotNull());
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
        "not json|invalid rule set: not valid JSON",
        "{\"rules\":[]}|invalid rule set: expected an object with a non-empty \"rules\" array",
        "{\"rules\":[{\"kind\":\"DATA_LOSS\",\"severity\":\"LOW\",\"pattern\":\"x\"}]}|invalid rule set: rule #0: missing \"id\"",
        "{\"rules\":[{\"id\":\"a\",\"kind\":\"DATA_GONE\",\"severity\":\"LOW\",\"pattern\":\"x\"}]}|invalid rule set: rule 'a': kind 'DATA_GONE' is not one of [",
        "{\"rules\":[{\"id\":\"a\",\"kind\":\"DATA_LOSS\",\"severity\":\"LOW\",\"pattern\":\"(?<=x)y\"}]}|invalid rule set: rule 'a': pattern is not valid RE2 syntax",
        "{\"rules\":[{\"id\":\"a\",\"kind\":\"DATA_LOSS\",\"severity\":\"LOW\",\"pattern\":\"x\"},{\"id\":\"a\",\"kind\":\"DATA_LOSS\",\"severity\":\"LOW\",\"pattern\":\"y\"}]}|invalid rule set: rule 'a': duplicate id",
    })
    void shouldRefuseABadRuleSetNamingTheRule(String json, String message) {
        assertThatThrownBy(() -> RuleSet.parse(json)).isInstanceOf(RuleSet.InvalidRuleSetException.class).hasMessageStartingWith(message);
    }
}
