package io.mote.transport.lwm2m.rpc;

import java.util.Map;
import java.util.function.Consumer;

import tools.jackson.databind.JsonNode;

import io.mote.common.json.Json;
import io.mote.transport.api.RpcRequest;

/**
 * ThingsBoard's LwM2M RPC commands ({@code Read {"id":"/3/0/9"}}, {@code Observe {"key":"batteryLevel"}} …),
 * dispatched to one class per command family. A request that cannot be valid is answered with
 * BAD_REQUEST, NOT_FOUND or METHOD_NOT_ALLOWED and a message naming the problem, without sending
 * anything to the client.
 */
public final class Lwm2mRpc {

    private static final Map<String, Consumer<RpcCall>> COMMANDS = Map.ofEntries(
            Map.entry("Read", ReadCommands::read),
            Map.entry("ReadComposite", ReadCommands::readComposite),
            Map.entry("Discover", DiscoverCommands::discover),
            Map.entry("DiscoverAll", DiscoverCommands::discoverAll),
            Map.entry("WriteReplace", WriteCommands::writeReplace),
            Map.entry("WriteUpdate", WriteCommands::writeUpdate),
            Map.entry("WriteComposite", WriteCommands::writeComposite),
            Map.entry("WriteAttributes", WriteCommands::writeAttributes),
            Map.entry("Execute", InstanceCommands::execute),
            Map.entry("Create", InstanceCommands::create),
            Map.entry("Delete", InstanceCommands::delete),
            Map.entry("Observe", ObserveCommands::observe),
            Map.entry("ObserveComposite", ObserveCommands::observeComposite),
            Map.entry("ObserveCancel", ObserveCommands::observeCancel),
            Map.entry("ObserveCompositeCancel", ObserveCommands::observeCompositeCancel),
            Map.entry("ObserveCancelAll", ObserveCommands::observeCancelAll),
            Map.entry("ObserveReadAll", ObserveCommands::observeReadAll));

    private Lwm2mRpc() {
    }

    /** Whether the method is an LwM2M command this server knows. */
    public static boolean known(String method) {
        return COMMANDS.containsKey(method);
    }

    /** Runs the command; its answer goes to {@link Lwm2mDevice#answer}, now or when the client responds. */
    public static void handle(Lwm2mDevice device, RpcRequest request) {
        JsonNode params;
        try {
            params = request.params() == null || request.params().isBlank() ? Json.object() : Json.parse(request.params());
        } catch (RuntimeException e) {
            params = Json.object();
        }
        RpcCall call = new RpcCall(request.id(), request.method(), params.isObject() ? params : Json.object(), device,
                new Paths(device), RpcCall.requestTimeout(request.expirationTime(), device.requestTimeoutMs(),
                        System.currentTimeMillis()));
        try {
            Consumer<RpcCall> command = COMMANDS.get(request.method());
            if (command == null) {
                throw Refused.badRequest("Unsupported LwM2M RPC method '" + request.method() + "'");
            }
            command.accept(call);
        } catch (Refused e) {
            call.reply(RpcCall.error(e.result(), e.getMessage()));
        } catch (RuntimeException e) {
            call.reply(RpcCall.error("BAD_REQUEST", e.getMessage()));
        }
    }
}
