package org.ccarm.protocol.xml;

import jakarta.xml.bind.JAXBContext;
import jakarta.xml.bind.JAXBException;
import jakarta.xml.bind.annotation.XmlAttribute;
import jakarta.xml.bind.annotation.XmlElement;
import jakarta.xml.bind.annotation.XmlSchemaType;
import jakarta.xml.bind.annotation.adapters.XmlJavaTypeAdapter;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.validation.Schema;
import org.ccarm.protocol.CommandShape;

/**
 * One command's schema and its JAXB binding, found by convention from the command's
 * name alone: the schema is {@code xsd/<name>.xsd} on the class path, and the build
 * generates its classes into {@code org.ccarm.protocol.xml.bind.<name>} (the pom runs
 * xjc once per schema). What the schema says about the command element (its
 * attributes, which are required, whether they are plain strings) is read from the
 * generated classes' annotations, so nothing here repeats a name from the schema.
 */
public final class CommandSchema {

    private static final String BINDINGS = "org.ccarm.protocol.xml.bind.";

    private final String command;
    private final Schema schema;
    private final JAXBContext context;
    private final Class<?> root;
    private final Field request;
    private final Field element;
    private final Map<String, Field> attributes; // by XML name, in declaration order
    private final CommandShape shape;
    private final boolean onlyStringAttributes;

    private CommandSchema(String command) throws ReflectiveOperationException, JAXBException {
        this.command = command;
        this.schema = HardenedXml.loadSchema("xsd/" + command + ".xsd");
        ClassLoader loader = CommandSchema.class.getClassLoader();
        this.context = JAXBContext.newInstance(loader.loadClass(BINDINGS + command + ".ObjectFactory"));
        this.root = loader.loadClass(BINDINGS + command + ".In");
        this.request = elementField(root, "request");
        this.element = elementField(request.getType(), command);
        this.attributes = new LinkedHashMap<>();
        List<String> required = new ArrayList<>();
        List<String> optional = new ArrayList<>();
        boolean plain = true;
        for (Field field : element.getType().getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers())) {
                continue;
            }
            XmlAttribute attribute = field.getAnnotation(XmlAttribute.class);
            if (attribute == null) {
                plain = false; // content of some kind: not the plain shape of the fast paths
                continue;
            }
            String name = attribute.name().equals("##default") ? field.getName() : attribute.name();
            field.setAccessible(true);
            attributes.put(name, field);
            (attribute.required() ? required : optional).add(name);
            // xs:string maps to a bare String; every other simple type carries an annotation or another type
            plain &= field.getType() == String.class && field.getAnnotation(XmlSchemaType.class) == null
                    && field.getAnnotation(XmlJavaTypeAdapter.class) == null;
        }
        this.shape = new CommandShape(command, required, optional);
        this.onlyStringAttributes = plain;
    }

    /** Loads {@code command}'s schema and binding; fails at start when either is missing or not of the API's shape. */
    public static CommandSchema of(String command) {
        try {
            return new CommandSchema(command);
        } catch (ReflectiveOperationException | JAXBException e) {
            throw new IllegalStateException("command " + command + " has no binding of the shape "
                    + "<in><request><" + command + " .../></request></in> generated from xsd/" + command + ".xsd", e);
        }
    }

    public String command() {
        return command;
    }

    Schema schema() {
        return schema;
    }

    JAXBContext context() {
        return context;
    }

    /** The command element's attributes, which the fast paths recognise. */
    public CommandShape shape() {
        return shape;
    }

    /**
     * Whether a document of the canonical shape is valid by construction: the command
     * element has attributes only, all of type {@code xs:string}.
     */
    public boolean fitsCanonicalShape() {
        return onlyStringAttributes;
    }

    /** The command element's attributes of an unmarshalled {@code in}; null for any other root. */
    Map<String, String> attributesOf(Object unmarshalled) {
        if (!root.isInstance(unmarshalled)) {
            return null;
        }
        try {
            Object requestElement = request.get(unmarshalled);
            Object commandElement = requestElement == null ? null : element.get(requestElement);
            if (commandElement == null) {
                return null; // the schema requires both; validation runs first, so this is only a guard
            }
            Map<String, String> values = new LinkedHashMap<>();
            for (Map.Entry<String, Field> attribute : attributes.entrySet()) {
                Object value = attribute.getValue().get(commandElement);
                if (value != null) {
                    values.put(attribute.getKey(), value.toString());
                }
            }
            return values;
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("the binding of " + command + " cannot be read", e);
        }
    }

    private static Field elementField(Class<?> type, String elementName) throws NoSuchFieldException {
        for (Field field : type.getDeclaredFields()) {
            XmlElement annotation = field.getAnnotation(XmlElement.class);
            if (annotation != null) {
                String name = annotation.name().equals("##default") ? field.getName() : annotation.name();
                if (name.equals(elementName)) {
                    field.setAccessible(true);
                    return field;
                }
            }
        }
        throw new NoSuchFieldException(type.getName() + " has no element <" + elementName + ">");
    }
}
