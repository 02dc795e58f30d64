package io.mote.bench;

import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapHandler;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.leshan.client.resource.BaseInstanceEnabler;
import org.eclipse.leshan.client.resource.BaseInstanceEnablerFactory;
import org.eclipse.leshan.client.resource.LwM2mInstanceEnabler;
import org.eclipse.leshan.client.resource.ObjectsInitializer;
import org.eclipse.leshan.client.servers.LwM2mServer;
import org.eclipse.leshan.core.model.ObjectModel;
import org.eclipse.leshan.core.model.ResourceModel;
import org.eclipse.leshan.core.node.LwM2mResource;
import org.eclipse.leshan.core.request.argument.Arguments;
import org.eclipse.leshan.core.response.ExecuteResponse;
import org.eclipse.leshan.core.response.ReadResponse;
import org.eclipse.leshan.core.response.WriteResponse;

/**
 * The update objects of the {@code lwm2m-ota} scenario's clients: each keeps the bytes it receives (pushed, or
 * downloaded from the Package URI through a CoAP endpoint of its own, as a device has its own address), checks
 * their SHA-256 and reports the new version after Update / Install.
 */
final class Lwm2mOtaObjects {

    private Lwm2mOtaObjects() {
    }

    /** The object's one instance; the server creates no others (the scenario has no use for them). */
    static void instance(ObjectsInitializer init, int objectId, BaseInstanceEnabler instance) {
        init.setInstancesForObject(objectId, instance);
        init.setFactoryForObject(objectId, new BaseInstanceEnablerFactory() {
            @Override
            public LwM2mInstanceEnabler create() {
                throw new UnsupportedOperationException("the bench's objects have one instance");
            }
        });
    }

    /** What every object of one client shares. */
    static final class Context {
        final byte[] expected;
        final String newVersion;
        final ScheduledExecutorService worker;
        final Configuration downloads;
        /** One endpoint for every client's downloads ({@code --shared-download-socket}), else null: one each. */
        volatile CoapEndpoint sharedDownloads;
        volatile String version = "1.0";
        volatile String swVersion = "";

        Context(byte[] expected, String newVersion, ScheduledExecutorService worker, Configuration downloads) {
            this.expected = expected;
            this.newVersion = newVersion;
            this.worker = worker;
            this.downloads = downloads;
        }

        boolean checks(byte[] data) {
            try {
                return MessageDigest.isEqual(MessageDigest.getInstance("SHA-256").digest(data), expected);
            } catch (Exception e) {
                return false;
            }
        }

        /** GET of the Package URI, blockwise, from a fresh local port; the endpoint is closed afterwards. */
        void download(String uri, Consumer<byte[]> onData, Runnable onLost) {
            CoapEndpoint shared = sharedDownloads;
            CoapEndpoint ep = shared != null ? shared : new CoapEndpoint.Builder().setConfiguration(downloads)
                    .setInetSocketAddress(new InetSocketAddress(0)).build();
            if (shared == null) {
                ep.setExecutors(worker, worker);
            }
            Runnable close = () -> {
                if (shared == null) {
                    worker.execute(ep::destroy);
                }
            };
            CoapClient c = new CoapClient(uri);
            c.setEndpoint(ep);
            c.setTimeout(300_000L);
            c.get(new CoapHandler() {
                @Override
                public void onLoad(CoapResponse r) {
                    close.run();
                    if (r.isSuccess()) {
                        onData.accept(r.getPayload());
                    } else {
                        onLost.run();
                    }
                }

                @Override
                public void onError() {
                    close.run();
                    onLost.run();
                }
            });
        }
    }

    /** Device (3): the firmware version the update changes. */
    static final class Device extends BaseInstanceEnabler {
        private final Context ctx;

        Device(Context ctx) {
            this.ctx = ctx;
        }

        @Override
        public ReadResponse read(LwM2mServer server, int resourceId) {
            return switch (resourceId) {
                case 0 -> ReadResponse.success(resourceId, "Mote bench");
                case 3 -> ReadResponse.success(resourceId, ctx.version);
                case 16 -> ReadResponse.success(resourceId, "U");
                default -> super.read(server, resourceId);
            };
        }

        @Override
        public List<Integer> getAvailableResourceIds(ObjectModel model) {
            return List.of(0, 3, 16);
        }
    }

    /** Firmware Update (5): takes the package pushed, from its URI or from Object 19; updates on Execute. */
    static final class Firmware extends BaseInstanceEnabler {
        private final Context ctx;
        private volatile long state;
        private volatile long result;

        Firmware(Context ctx) {
            this.ctx = ctx;
        }

        @Override
        public ReadResponse read(LwM2mServer server, int resourceId) {
            return switch (resourceId) {
                case 1 -> ReadResponse.success(resourceId, "");
                case 3 -> ReadResponse.success(resourceId, state);
                case 5 -> ReadResponse.success(resourceId, result);
                case 7 -> ReadResponse.success(resourceId, ctx.version);
                case 9 -> ReadResponse.success(resourceId, 2L);
                default -> super.read(server, resourceId);
            };
        }

        @Override
        public WriteResponse write(LwM2mServer server, boolean replace, int resourceId, LwM2mResource value) {
            if (resourceId == 0) {
                received((byte[]) value.getValue());
                return WriteResponse.success();
            }
            if (resourceId == 1) {
                set(1, 0);
                ctx.download((String) value.getValue(), this::received, () -> set(0, 4));
                return WriteResponse.success();
            }
            return super.write(server, replace, resourceId, value);
        }

        void received(byte[] data) {
            boolean ok = ctx.checks(data);
            set(ok ? 2 : 0, ok ? 0 : 5);
        }

        @Override
        public ExecuteResponse execute(LwM2mServer server, int resourceId, Arguments arguments) {
            if (resourceId != 2 || state != 2) {
                return ExecuteResponse.badRequest("no package");
            }
            set(3, 0);
            ctx.worker.schedule(() -> {
                ctx.version = ctx.newVersion;
                set(0, 1);
            }, 100, TimeUnit.MILLISECONDS);
            return ExecuteResponse.success();
        }

        private void set(long s, long r) {
            state = s;
            result = r;
            fireResourceChange(3);
            fireResourceChange(5);
        }

        @Override
        public List<Integer> getAvailableResourceIds(ObjectModel model) {
            return List.of(0, 1, 2, 3, 5, 7, 9);
        }
    }

    /** Software Management (9): Package 2 or Package URI 3, delivered once checked, installed on Install (4). */
    static final class Software extends BaseInstanceEnabler {
        private final Context ctx;
        private volatile long state;
        private volatile long result;

        Software(Context ctx) {
            this.ctx = ctx;
        }

        @Override
        public ReadResponse read(LwM2mServer server, int resourceId) {
            return switch (resourceId) {
                case 0 -> ReadResponse.success(resourceId, "bench-app");
                case 1 -> ReadResponse.success(resourceId, ctx.swVersion);
                case 7 -> ReadResponse.success(resourceId, state);
                case 9 -> ReadResponse.success(resourceId, result);
                case 12 -> ReadResponse.success(resourceId, false);
                default -> super.read(server, resourceId);
            };
        }

        @Override
        public WriteResponse write(LwM2mServer server, boolean replace, int resourceId, LwM2mResource value) {
            if (resourceId == 2) {
                received((byte[]) value.getValue());
                return WriteResponse.success();
            }
            if (resourceId == 3) {
                set(1, 1);
                ctx.download((String) value.getValue(), this::received, () -> set(0, 6));
                return WriteResponse.success();
            }
            return super.write(server, replace, resourceId, value);
        }

        private void received(byte[] data) {
            if (ctx.checks(data)) {
                set(3, 3); // delivered: downloaded and verified
            } else {
                set(0, 7);
            }
        }

        @Override
        public ExecuteResponse execute(LwM2mServer server, int resourceId, Arguments arguments) {
            return switch (resourceId) {
                case 4 -> {
                    if (state != 3) {
                        yield ExecuteResponse.badRequest("nothing delivered");
                    }
                    ctx.worker.schedule(() -> {
                        ctx.swVersion = ctx.newVersion;
                        set(4, 2);
                    }, 100, TimeUnit.MILLISECONDS);
                    yield ExecuteResponse.success();
                }
                case 6, 10, 11 -> ExecuteResponse.success();
                default -> super.execute(server, resourceId, arguments);
            };
        }

        private void set(long s, long r) {
            state = s;
            result = r;
            fireResourceChange(7);
            fireResourceChange(9);
        }

        @Override
        public List<Integer> getAvailableResourceIds(ObjectModel model) {
            return List.of(0, 1, 2, 3, 4, 6, 7, 9, 10, 11, 12);
        }
    }

    /** BinaryAppDataContainer (19) instance 0: a package written into Data goes to the Firmware Update object. */
    static final class AppData extends BaseInstanceEnabler {
        private final Firmware firmware;

        AppData(Firmware firmware) {
            this.firmware = firmware;
        }

        @Override
        public WriteResponse write(LwM2mServer server, boolean replace, int resourceId, LwM2mResource value) {
            if (resourceId != 0 || !value.isMultiInstances() || value.getInstance(0) == null) {
                return WriteResponse.badRequest("Data (0) takes resource instance 0");
            }
            firmware.received((byte[]) value.getInstance(0).getValue());
            return WriteResponse.success();
        }

        @Override
        public ReadResponse read(LwM2mServer server, int resourceId) {
            return resourceId == 0 ? ReadResponse.success(0, Map.of(), ResourceModel.Type.OPAQUE)
                    : super.read(server, resourceId);
        }

        @Override
        public List<Integer> getAvailableResourceIds(ObjectModel model) {
            return List.of(0);
        }
    }
}
