// Saves text the app holds (the personal-data export) as a file the browser downloads.
window.parkingFiles = {
    save: function (name, type, text) {
        const url = URL.createObjectURL(new Blob([text], { type: type }));
        const link = document.createElement('a');
        link.href = url;
        link.download = name;
        document.body.appendChild(link);
        link.click();
        link.remove();
        setTimeout(() => URL.revokeObjectURL(url), 1000);
    },
    print: function () { window.print(); }
};
