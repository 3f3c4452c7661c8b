package dev.faultline.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SerdeConfigTest {

    private static Map<String, Object> base() {
        Map<String, Object> config = new HashMap<>();
        config.put(SerdeConfig.SCHEMA_REGISTRY_URL, "http://localhost:8081");
        return config;
    }

    @Test
    void shouldDefaultLikeConfluent() {
        SerdeConfig config = SerdeConfig.from(base());
        assertThat(config.autoRegisterSchemas()).isTrue();
        assertThat(config.valueSubjectNameStrategy()).isEqualTo(SubjectNameStrategy.TOPIC_NAME);
        assertThat(config.maxRetries()).isEqualTo(3);
        assertThat(config.userInfo()).isEmpty();
    }

    @Test
    void shouldTakeUserInfoFromTheUrlOrTheSetting() {
        Map<String, Object> fromUrl = base();
        fromUrl.put(SerdeConfig.SCHEMA_REGISTRY_URL, "https://alice:s3cret@registry:8081");
        assertThat(SerdeConfig.from(fromUrl).userInfo()).contains("alice:s3cret");

        Map<String, Object> fromSetting = base();
        fromSetting.put(SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO");
        fromSetting.put(SerdeConfig.PREFIXED_BASIC_AUTH_USER_INFO, "bob:pw");
        assertThat(SerdeConfig.from(fromSetting).userInfo()).contains("bob:pw");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "schema.registry.url|''|Invalid value  for configuration schema.registry.url: Missing; set it to the registry's URL(s)",
        "schema.registry.url|ftp://host|Invalid value ftp://host for configuration schema.registry.url: Expected http(s)://host[:port] URLs or mock://<scope>",
        "schema.registry.url|mock://|Invalid value mock:// for configuration schema.registry.url: A mock:// URL must stand alone and name a scope",
        "auto.register.schemas|yes|Invalid value yes for configuration auto.register.schemas: Expected true or false",
        "max.retries|-1|Invalid value -1 for configuration max.retries: Expected a whole number in [0, 100]",
        "retries.wait.ms|soon|Invalid value soon for configuration retries.wait.ms: Expected a whole number in [0, 600000]",
        "value.subject.name.strategy|Bogus|Invalid value Bogus for configuration value.subject.name.strategy: Accepted values: TopicNameStrategy",
        "basic.auth.credentials.source|SASL_INHERIT|Invalid value SASL_INHERIT for configuration basic.auth.credentials.source: Accepted values: URL, USER_INFO",
        "use.latest.version|true|Invalid value true for configuration use.latest.version: Not supported by this serde",
    })
    void shouldNameTheKeyValueAndRangeOfABadSetting(String key, String value, String message) {
        Map<String, Object> config = base();
        config.put(key, value);
        assertThatThrownBy(() -> SerdeConfig.from(config)).isInstanceOf(ConfigException.class).hasMessageStartingWith(message);
    }

    @Test
    void shouldNotEchoAMalformedPassword() {
        Map<String, Object> config = base();
        config.put(SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO");
        config.put(SerdeConfig.BASIC_AUTH_USER_INFO, "no-colon-secret");
        assertThatThrownBy(() -> SerdeConfig.from(config))
            .hasMessage("Invalid value (hidden) for configuration basic.auth.user.info: Expected <username>:<password>");
    }
}
