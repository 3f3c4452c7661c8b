package dev.faultline.topology.alerting;

import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.faultline.schema.FaultEvent;
import dev.faultline.schema.FaultEventType;

/**
 * A fault event as an alert in Alertmanager's v2 API: labels identify it (one alert per fault),
 * annotations carry the evidence, {@code endsAt} in the future keeps it firing and in the past
 * resolves it.
 */
public final class AlertmanagerAlert {
    public static final String ALERT_NAME = "FaultlineFault";
    private static final ObjectMapper JSON = new ObjectMapper();

    private AlertmanagerAlert() {
    }

    /**
     * The alert for {@code event}: firing until {@code firingUntil} unless the event resolves
     * the fault, in which case it ends when the fault did (never later than {@code now}).
     */
    public static ObjectNode of(FaultEvent event, Instant firingUntil, Instant now, String generatorUrl) {
        ObjectNode alert = JSON.createObjectNode();
        alert.putObject("labels")
            .put("alertname", ALERT_NAME)
            .put("service", event.getService())
            .put("kind", event.getKind().name())
            .put("category", event.getCategory().name())
            .put("severity", event.getSeverity().name())
            .put("fault_id", event.getFaultId());
        ObjectNode annotations = alert.putObject("annotations");
        annotations.put("summary", event.getEvidence().getSummary());
        String measurements = event.getEvidence().getMeasurements().stream()
            .map(m -> m.getName() + " " + m.getValue() + (m.getThreshold() == null ? "" : " " + m.getComparison() + " " + m.getThreshold()))
            .collect(Collectors.joining("; "));
        putIfAny(annotations, "measurements", measurements);
        putIfAny(annotations, "sample_logs", String.join("\n---\n", event.getEvidence().getSampleLogs()));
        putIfAny(annotations, "trace_ids", String.join(", ", event.getEvidence().getTraceIds()));
        putIfAny(annotations, "template_ids", String.join(", ", event.getEvidence().getTemplateIds()));
        if (event.getSuspectedCause() != null) {
            annotations.put("suspected_cause", event.getSuspectedCause().getService() + " " + event.getSuspectedCause().getKind()
                + " (" + event.getSuspectedCause().getFaultId() + ")");
        }
        annotations.put("opened_at", event.getOpenedAt().toString());
        alert.put("startsAt", event.getOpenedAt().toString());
        Instant ends = event.getType() == FaultEventType.RESOLVED
            ? min(event.getEventTime(), now)
            : firingUntil;
        alert.put("endsAt", ends.toString());
        alert.put("generatorURL", generatorUrl);
        return alert;
    }

    /** The JSON body Alertmanager's {@code POST /api/v2/alerts} takes. */
    public static String body(List<ObjectNode> alerts) {
        return JSON.createArrayNode().addAll(alerts).toString();
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static void putIfAny(ObjectNode node, String name, String value) {
        if (!value.isEmpty()) {
            node.put(name, value);
        }
    }
}
