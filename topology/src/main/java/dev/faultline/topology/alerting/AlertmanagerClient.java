package dev.faultline.topology.alerting;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.micrometer.core.instrument.Metrics;

/**
 * Posts alerts to every configured Alertmanager peer, as Prometheus does: peers deduplicate
 * among themselves, so each one gets every alert. A post counts as delivered when at least
 * one peer accepted it.
 */
final class AlertmanagerClient {
    private static final Logger LOG = LoggerFactory.getLogger(AlertmanagerClient.class);

    private final List<URI> peers;
    private final Duration timeout;
    private final HttpClient http;

    AlertmanagerClient(List<URI> peers, Duration timeout) {
        this.peers = peers;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** Whether at least one peer accepted the alerts. */
    boolean post(List<ObjectNode> alerts) throws InterruptedException {
        if (alerts.isEmpty()) {
            return true;
        }
        String body = AlertmanagerAlert.body(alerts);
        boolean delivered = false;
        for (URI peer : peers) {
            URI endpoint = peer.resolve(peer.getPath().endsWith("/") ? "api/v2/alerts" : peer.getPath() + "/api/v2/alerts");
            HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() / 100 == 2) {
                    delivered = true;
                    Metrics.counter("faultline.alertmanager.posts", "result", "ok").increment();
                    continue;
                }
                LOG.warn("Alertmanager {} refused {} alert(s): HTTP {} {}", endpoint, alerts.size(), response.statusCode(), response.body());
            } catch (IOException e) {
                LOG.warn("Alertmanager {} unreachable: {}", endpoint, e.toString());
            }
            Metrics.counter("faultline.alertmanager.posts", "result", "failed").increment();
        }
        return delivered;
    }
}
