package io.mote.cluster.codec;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.mote.transport.api.AttributesUpdate;
import io.mote.transport.api.AuthenticatedDevice;
import io.mote.transport.api.DeviceAttributes;
import io.mote.transport.api.Lwm2mModel;
import io.mote.transport.api.OtaPackageRef;
import io.mote.transport.api.OtaPackageType;
import io.mote.transport.api.ProvisionResult;
import io.mote.transport.api.RpcRequest;
import io.mote.transport.api.TransportConfiguration;
import io.mote.transport.api.TransportDevice;

/** The wire form of the seam's value types, beside the primitives of {@link Out} and {@link In}. */
public final class Codec {

    private Codec() {
    }

    public static byte[] authenticated(Optional<AuthenticatedDevice> a) {
        Out o = new Out().bool(a.isPresent());
        a.ifPresent(d -> o.device(d.device()).str(d.credentialsValue()));
        return o.toBytes();
    }

    public static Optional<AuthenticatedDevice> authenticated(In in) {
        return in.bool() ? Optional.of(new AuthenticatedDevice(in.device(), in.str())) : Optional.empty();
    }

    public static byte[] attributes(DeviceAttributes a) {
        return new Out().attrs(a.client()).attrs(a.shared()).toBytes();
    }

    public static DeviceAttributes attributes(In in) {
        return new DeviceAttributes(in.attrs(), in.attrs());
    }

    public static Out configuration(Out o, TransportConfiguration c) {
        return o.str(c.profile()).str(c.device());
    }

    public static TransportConfiguration configuration(In in) {
        return new TransportConfiguration(in.str(), in.str());
    }

    public static byte[] provision(ProvisionResult r) {
        return new Out().str(r.json()).bool(r.success()).toBytes();
    }

    public static ProvisionResult provision(In in) {
        return new ProvisionResult(in.str(), in.bool());
    }

    public static byte[] otaPackage(Optional<OtaPackageRef> ref) {
        Out o = new Out().bool(ref.isPresent());
        ref.ifPresent(r -> o.uuid(r.id()).i32(r.type().ordinal()).str(r.title()).str(r.version()).i64(r.size())
                .str(r.checksumAlgorithm()).str(r.checksum()).str(r.fileName()).str(r.contentType()).str(r.url()));
        return o.toBytes();
    }

    public static Optional<OtaPackageRef> otaPackage(In in) {
        if (!in.bool()) {
            return Optional.empty();
        }
        return Optional.of(new OtaPackageRef(in.uuid(), OtaPackageType.values()[in.i32()], in.str(), in.str(), in.i64(),
                in.str(), in.str(), in.str(), in.str(), in.str()));
    }

    public static byte[] models(List<Lwm2mModel> models) {
        Out o = new Out().i32(models.size());
        models.forEach(m -> o.i32(m.objectId()).str(m.version()).bin(m.ddf()));
        return o.toBytes();
    }

    public static List<Lwm2mModel> models(In in) {
        int n = in.i32();
        List<Lwm2mModel> out = new ArrayList<>(Math.max(0, n));
        for (int i = 0; i < n; i++) {
            out.add(new Lwm2mModel(in.i32(), in.str(), in.bin()));
        }
        return out;
    }

    public static byte[] transportDevices(List<TransportDevice> devices) {
        Out o = new Out().i32(devices.size());
        devices.forEach(d -> configuration(o.device(d.device()), d.configuration()));
        return o.toBytes();
    }

    public static List<TransportDevice> transportDevices(In in) {
        int n = in.i32();
        List<TransportDevice> out = new ArrayList<>(Math.max(0, n));
        for (int i = 0; i < n; i++) {
            out.add(new TransportDevice(in.device(), configuration(in)));
        }
        return out;
    }

    public static Out update(Out o, AttributesUpdate u) {
        return o.attrs(u.updated()).strs(u.deleted());
    }

    public static AttributesUpdate update(In in) {
        return new AttributesUpdate(in.attrs(), in.strs());
    }

    public static Out rpc(Out o, RpcRequest r) {
        return o.i32(r.id()).str(r.method()).str(r.params()).bool(r.oneway()).i64(r.expirationTime());
    }

    public static RpcRequest rpc(In in) {
        return new RpcRequest(in.i32(), in.str(), in.str(), in.bool(), in.i64());
    }
}
