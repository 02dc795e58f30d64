package io.mote.transport.api.proto;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MessageOptions;
import com.google.protobuf.DescriptorProtos.OneofDescriptorProto;
import com.google.protobuf.Descriptors;
import com.squareup.wire.Syntax;
import com.squareup.wire.schema.Field;
import com.squareup.wire.schema.Location;
import com.squareup.wire.schema.internal.parser.EnumConstantElement;
import com.squareup.wire.schema.internal.parser.EnumElement;
import com.squareup.wire.schema.internal.parser.FieldElement;
import com.squareup.wire.schema.internal.parser.MessageElement;
import com.squareup.wire.schema.internal.parser.OneOfElement;
import com.squareup.wire.schema.internal.parser.ProtoFileElement;
import com.squareup.wire.schema.internal.parser.ProtoParser;
import com.squareup.wire.schema.internal.parser.TypeElement;

import io.mote.common.error.MoteException;

/**
 * Compiles the {@code .proto} text of a device profile (ThingsBoard's {@code deviceTelemetryProtoSchema}
 * and friends) into a protobuf descriptor at run time: the text is parsed, turned into a file descriptor
 * and linked by protobuf-java. The message devices send is the file's last top-level message, as in
 * ThingsBoard. Supported: proto3 messages, nested messages and enums, oneofs, {@code optional},
 * {@code repeated} and {@code map} fields. Refused with a message naming the problem: other syntaxes,
 * imports, services, extensions, {@code required} fields, default values, a file without messages.
 */
public final class ProtoSchemas {

    private static final Map<String, FieldDescriptorProto.Type> SCALARS = Map.ofEntries(
            Map.entry("double", FieldDescriptorProto.Type.TYPE_DOUBLE),
            Map.entry("float", FieldDescriptorProto.Type.TYPE_FLOAT),
            Map.entry("int32", FieldDescriptorProto.Type.TYPE_INT32),
            Map.entry("int64", FieldDescriptorProto.Type.TYPE_INT64),
            Map.entry("uint32", FieldDescriptorProto.Type.TYPE_UINT32),
            Map.entry("uint64", FieldDescriptorProto.Type.TYPE_UINT64),
            Map.entry("sint32", FieldDescriptorProto.Type.TYPE_SINT32),
            Map.entry("sint64", FieldDescriptorProto.Type.TYPE_SINT64),
            Map.entry("fixed32", FieldDescriptorProto.Type.TYPE_FIXED32),
            Map.entry("fixed64", FieldDescriptorProto.Type.TYPE_FIXED64),
            Map.entry("sfixed32", FieldDescriptorProto.Type.TYPE_SFIXED32),
            Map.entry("sfixed64", FieldDescriptorProto.Type.TYPE_SFIXED64),
            Map.entry("bool", FieldDescriptorProto.Type.TYPE_BOOL),
            Map.entry("string", FieldDescriptorProto.Type.TYPE_STRING),
            Map.entry("bytes", FieldDescriptorProto.Type.TYPE_BYTES));

    private ProtoSchemas() {
    }

    /** The descriptor of the schema's last top-level message; fails with a bad request naming the problem. */
    public static Descriptors.Descriptor compile(String protoText) {
        List<Descriptors.Descriptor> messages = compileFile(protoText).getMessageTypes();
        return messages.get(messages.size() - 1);
    }

    /** A message of the schema by its (top-level) name. */
    public static Descriptors.Descriptor compile(String protoText, String messageName) {
        Descriptors.Descriptor d = compileFile(protoText).findMessageTypeByName(messageName);
        if (d == null) {
            throw MoteException.badRequest("No message " + messageName + " in the schema");
        }
        return d;
    }

    private static Descriptors.FileDescriptor compileFile(String protoText) {
        if (protoText == null || protoText.isBlank()) {
            throw MoteException.badRequest("The schema is empty");
        }
        ProtoFileElement file;
        try {
            file = ProtoParser.Companion.parse(Location.get("schema.proto"), protoText);
        } catch (RuntimeException e) {
            throw MoteException.badRequest("The schema does not parse: " + e.getMessage());
        }
        if (file.getSyntax() != Syntax.PROTO_3) {
            throw MoteException.badRequest("Only proto3 schemas are supported (syntax = \"proto3\";)");
        }
        if (!file.getImports().isEmpty() || !file.getPublicImports().isEmpty() || !file.getWeakImports().isEmpty()) {
            throw MoteException.badRequest("Imports are not supported");
        }
        if (!file.getServices().isEmpty() || !file.getExtendDeclarations().isEmpty()) {
            throw MoteException.badRequest("Services and extensions are not supported");
        }
        FileDescriptorProto.Builder fb = FileDescriptorProto.newBuilder().setName("schema.proto").setSyntax("proto3");
        String pkg = file.getPackageName();
        if (pkg != null && !pkg.isEmpty()) {
            fb.setPackage(pkg);
        }
        boolean anyMessage = false;
        for (TypeElement t : file.getTypes()) {
            if (t instanceof MessageElement m) {
                fb.addMessageType(message(m));
                anyMessage = true;
            } else if (t instanceof EnumElement e) {
                fb.addEnumType(enumType(e));
            }
        }
        if (!anyMessage) {
            throw MoteException.badRequest("The schema defines no message");
        }
        try {
            return Descriptors.FileDescriptor.buildFrom(fb.build(), new Descriptors.FileDescriptor[0]);
        } catch (Descriptors.DescriptorValidationException e) {
            throw MoteException.badRequest("The schema is not valid: " + e.getMessage());
        }
    }

    private static DescriptorProto message(MessageElement m) {
        if (!m.getExtensions().isEmpty() || !m.getGroups().isEmpty()) {
            throw MoteException.badRequest("Message " + m.getName() + ": extensions and groups are not supported");
        }
        DescriptorProto.Builder b = DescriptorProto.newBuilder().setName(m.getName());
        for (TypeElement t : m.getNestedTypes()) {
            if (t instanceof MessageElement nested) {
                b.addNestedType(message(nested));
            } else if (t instanceof EnumElement e) {
                b.addEnumType(enumType(e));
            }
        }
        List<FieldDescriptorProto.Builder> syntheticOptional = new ArrayList<>();
        int oneofIndex = 0;
        for (OneOfElement o : m.getOneOfs()) {
            b.addOneofDecl(OneofDescriptorProto.newBuilder().setName(o.getName()));
            for (FieldElement f : o.getFields()) {
                b.addField(field(b, m, f).setOneofIndex(oneofIndex));
            }
            oneofIndex++;
        }
        for (FieldElement f : m.getFields()) {
            FieldDescriptorProto.Builder fd = field(b, m, f);
            if (f.getLabel() == Field.Label.OPTIONAL) {
                fd.setProto3Optional(true);
                syntheticOptional.add(fd);
            } else {
                b.addField(fd);
            }
        }
        // proto3 "optional" fields each sit in a synthetic oneof, declared after the real ones.
        for (FieldDescriptorProto.Builder fd : syntheticOptional) {
            b.addOneofDecl(OneofDescriptorProto.newBuilder().setName("_" + fd.getName()));
            b.addField(fd.setOneofIndex(oneofIndex++));
        }
        return b.build();
    }

    private static FieldDescriptorProto.Builder field(DescriptorProto.Builder owner, MessageElement m, FieldElement f) {
        if (f.getLabel() == Field.Label.REQUIRED) {
            throw MoteException.badRequest("Field " + m.getName() + "." + f.getName() + ": required fields are not supported");
        }
        if (f.getDefaultValue() != null) {
            throw MoteException.badRequest("Field " + m.getName() + "." + f.getName() + ": default values are not supported");
        }
        FieldDescriptorProto.Builder fd = FieldDescriptorProto.newBuilder().setName(f.getName()).setNumber(f.getTag())
                .setJsonName(f.getName())
                .setLabel(f.getLabel() == Field.Label.REPEATED ? FieldDescriptorProto.Label.LABEL_REPEATED
                        : FieldDescriptorProto.Label.LABEL_OPTIONAL);
        String type = f.getType().replace(" ", "");
        if (type.startsWith("map<") && type.endsWith(">")) {
            String[] kv = type.substring(4, type.length() - 1).split(",", 2);
            String entryName = Character.toUpperCase(f.getName().charAt(0)) + f.getName().substring(1) + "Entry";
            DescriptorProto.Builder entry = DescriptorProto.newBuilder().setName(entryName)
                    .setOptions(MessageOptions.newBuilder().setMapEntry(true))
                    .addField(typed(FieldDescriptorProto.newBuilder().setName("key").setJsonName("key").setNumber(1)
                            .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL), kv[0]))
                    .addField(typed(FieldDescriptorProto.newBuilder().setName("value").setJsonName("value").setNumber(2)
                            .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL), kv[1]));
            owner.addNestedType(entry);
            return fd.setLabel(FieldDescriptorProto.Label.LABEL_REPEATED).setTypeName(entryName);
        }
        return typed(fd, type);
    }

    private static FieldDescriptorProto.Builder typed(FieldDescriptorProto.Builder fd, String type) {
        FieldDescriptorProto.Type scalar = SCALARS.get(type);
        // A message or enum name is resolved, relative to the field's scope, when the file is linked.
        return scalar != null ? fd.setType(scalar) : fd.setTypeName(type);
    }

    private static EnumDescriptorProto enumType(EnumElement e) {
        EnumDescriptorProto.Builder b = EnumDescriptorProto.newBuilder().setName(e.getName());
        for (EnumConstantElement c : e.getConstants()) {
            b.addValue(EnumValueDescriptorProto.newBuilder().setName(c.getName()).setNumber(c.getTag()));
        }
        return b.build();
    }
}
