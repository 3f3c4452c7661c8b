package dev.faultline.serde;

/** Picks the client a configuration asks for: {@code mock://scope} in-process, or REST. */
public final class SchemaRegistryClients {
    private SchemaRegistryClients() {
    }

    public static SchemaRegistryClient create(SerdeConfig config) {
        return config.isMock() ? MockSchemaRegistry.client(config.mockScope()) : new RestSchemaRegistryClient(config);
    }
}
